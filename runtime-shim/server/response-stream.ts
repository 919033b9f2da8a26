// The part of a streamed answer (OutgoingResponse.stream) every engine shares: `stop` runs exactly
// once, whichever comes first of the stream's own `end`, the client going away, or shutdown; and
// nothing is written after it.
import type { ResponseStream } from './wire.js';

/**
 * Starts `stream` on an engine's writer. `close` ends the engine's response (called once).
 * Returns the stop for the engine to call when the client goes away or the server shuts down.
 */
export function openStream(stream: ResponseStream, write: (chunk: string) => void, close: () => void): () => void {
  let open = true;
  let stopStream: (() => void) | undefined;
  let endedWhileStarting = false;
  const finish = () => {
    if (!open) return;
    open = false;
    close();
    if (stopStream) stopStream();
    else endedWhileStarting = true;
  };
  try {
    stopStream = stream.start((chunk) => {
      if (open) write(chunk);
    }, finish);
  } catch (error) {
    finish();
    throw error;
  }
  if (endedWhileStarting) stopStream();
  return finish;
}
