// The baselines of bench/ws.mjs: a raw `ws` server on Node and a raw Bun.serve websocket on Bun,
// doing what the Gati test route does for the bench (parse, reply with JSON; fan out one
// serialized string to a topic's subscribers), with no validation and no runtime around it.
// Prints {"port":N} once listening.
const isBun = 'Bun' in globalThis;

function reply(text, send, publish) {
  const msg = JSON.parse(text);
  if (msg.type === 'echo') send(JSON.stringify({ type: 'echo', text: msg.text, revived: false }));
  else if (msg.type === 'gpub') publish(msg.topic, JSON.stringify({ type: 'published', text: msg.text }));
}

if (isBun) {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req, srv) {
      const topic = new URL(req.url).searchParams.get('topic');
      return srv.upgrade(req, { data: { topic } }) ? undefined : new Response('Upgrade Required', { status: 426 });
    },
    websocket: {
      perMessageDeflate: false,
      open(ws) {
        if (ws.data.topic) ws.subscribe(ws.data.topic);
      },
      message(ws, text) {
        reply(text, (s) => ws.send(s), (topic, s) => server.publish(topic, s));
      },
    },
  });
  console.log(JSON.stringify({ port: server.port }));
} else {
  const { createServer } = await import('node:http');
  const { WebSocketServer } = await import('ws');
  const topics = new Map();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      const topic = new URL(req.url, 'http://x').searchParams.get('topic');
      if (topic) {
        if (!topics.has(topic)) topics.set(topic, new Set());
        topics.get(topic).add(ws);
        ws.on('close', () => topics.get(topic).delete(ws));
      }
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003);
        reply(data.toString(), (s) => ws.send(s), (t, s) => {
          for (const sub of topics.get(t) ?? []) sub.send(s);
        });
      });
    }),
  );
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
}
