// HTTP over a raw socket, for requests fetch cannot send: a malformed request line, headers that
// never end, a body that is declared and never sent.
import { connect } from 'node:net';

export interface RawAnswer {
  text: string;
  status: number | undefined;
  /** ms from the first byte sent until the server closed the connection (undefined: it did not). */
  closedAfterMs: number | undefined;
}

/**
 * Writes `parts` (with `gapMs` between them) and reads until the server closes or `waitMs` passes,
 * or, with `untilAnswered`, until one whole answer (head and Content-Length bytes) has arrived.
 */
export function raw(url: string, parts: string[], waitMs: number, gapMs = 0, untilAnswered = false): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const started = performance.now();
    let closedAfterMs: number | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : undefined, closedAfterMs });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (untilAnswered && isWholeAnswer(text)) done();
    });
    socket.on('close', () => {
      closedAfterMs = performance.now() - started;
      done();
    });
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (!socket.destroyed) socket.write(part);
      }
    });
  });
}

export function header(answer: RawAnswer, name: string): string | undefined {
  const head = answer.text.split('\r\n\r\n', 1)[0]!;
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

function isWholeAnswer(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return Buffer.byteLength(text.slice(end + 4)) >= Number(length?.[1] ?? 0);
}
