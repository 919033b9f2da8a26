// bench/ws.mjs --app: the bench protocol as a typed WS route (validated `in`), served by `gati start`.
import type { WsHandler } from 'gati';

type In = { type: 'echo'; text: string } | { type: 'gpub'; topic: string; text: string };
type Out = { type: 'echo'; text: string; revived: boolean } | { type: 'published'; text: string };

export const handler: WsHandler<{ query: { topic?: string } }, { in: In; out: Out }> = {
  open(ws) {
    if (ws.query.topic) ws.subscribe(ws.query.topic);
  },
  message(ws, msg, gctx) {
    if (msg.type === 'echo') ws.send({ type: 'echo', text: msg.text, revived: false });
    else gctx.ws.publish(msg.topic, { type: 'published', text: msg.text });
  },
};
