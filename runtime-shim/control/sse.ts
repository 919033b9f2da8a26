// A ControlResult `{ stream }` as a Server-Sent Events answer: each event framed per the
// EventSource spec (a multi-line `data` becomes several `data:` lines; names and ids lose their
// line breaks), a comment every 15 s so that proxies and the browser keep the connection, and the
// stream's stop called when the client goes away. At each heartbeat the session is checked again:
// a logout or a revoke ends the streams it had open within 15 s.
import type { ResponseStream } from '../server/wire.js';
import type { EventStream } from './endpoint.js';

export const HEARTBEAT_MS = 15_000;

export function eventStreamBody(events: EventStream, stillSignedIn: () => Promise<boolean> = async () => true, heartbeatMs = HEARTBEAT_MS): ResponseStream {
  return {
    start(write, end) {
      // The first bytes tell EventSource the stream is open before any event exists.
      write(': connected\n\n');
      const heartbeat = setInterval(() => {
        write(': heartbeat\n\n');
        stillSignedIn().then((yes) => (yes ? undefined : end()), () => undefined);
      }, heartbeatMs);
      heartbeat.unref?.();
      let stop: (() => void) | undefined;
      try {
        stop = events.start((event) => write(formatEvent(event)));
      } catch (error) {
        clearInterval(heartbeat);
        throw error;
      }
      return () => {
        clearInterval(heartbeat);
        stop?.();
      };
    },
  };
}

export function formatEvent(event: { event: string; data: string; id?: string }): string {
  let text = '';
  if (event.id !== undefined) text += `id: ${oneLine(event.id)}\n`;
  text += `event: ${oneLine(event.event)}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, '');
}
