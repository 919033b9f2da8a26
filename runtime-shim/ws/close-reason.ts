// A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload,
// 2 of them the code). A longer reason is cut on a character boundary, never inside a code point,
// so the peer does not fail the close with 1007 for invalid UTF-8.
const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();

export function closeReason(reason: string): string {
  // Fast path: no character takes more than 3 bytes of UTF-8 per UTF-16 unit.
  if (reason.length * 3 <= MAX_REASON_BYTES) return reason;
  if (encoder.encode(reason).length <= MAX_REASON_BYTES) return reason;
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const size = encoder.encode(char).length;
    if (bytes + size > MAX_REASON_BYTES - 3) break;
    bytes += size;
    end += char.length;
  }
  return `${reason.slice(0, end)}...`;
}
