// Cross-pod delivery when Redis is configured: every process publishes to one channel and
// subscribes to it on a second connection (a subscribed ioredis connection can do nothing else).
// A message carries its origin so a process skips its own: its subscribers already got it locally.
import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { requireDependency } from '../dependency.js';
import type { WsBridge } from './hub.js';

export interface RedisBridgeOptions {
  url: string;
  /** Channel prefix (apps sharing a Redis keep apart): the channel is `<prefix>ws`. */
  prefix?: string;
}

/** `<origin> <topic length> <topic><data>`: no escaping, whatever the topic holds. */
function encode(origin: string, topic: string, data: string): string {
  return `${origin} ${topic.length} ${topic}${data}`;
}

function decode(message: string): { origin: string; topic: string; data: string } | undefined {
  const a = message.indexOf(' ');
  const b = message.indexOf(' ', a + 1);
  if (a < 0 || b < 0) return undefined;
  const length = Number(message.slice(a + 1, b));
  if (!Number.isInteger(length)) return undefined;
  return { origin: message.slice(0, a), topic: message.slice(b + 1, b + 1 + length), data: message.slice(b + 1 + length) };
}

/** Resolves once the subscription is in place (a message published after it is delivered). */
export async function createRedisBridge(options: RedisBridgeOptions): Promise<WsBridge> {
  const ioredis = requireDependency<{ Redis: new (url: string, options?: RedisOptions) => Redis }>('ioredis');
  const channel = `${options.prefix ?? 'gati:'}ws`;
  const origin = randomUUID();
  const pub = new ioredis.Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: null });
  const sub = new ioredis.Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: null });
  const receivers: ((topic: string, data: string) => void)[] = [];
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const m = decode(message);
    if (!m || m.origin === origin) return;
    for (const receive of receivers) receive(m.topic, m.data);
  });
  await sub.subscribe(channel);
  return {
    publish(topic, data) {
      void pub.publish(channel, encode(origin, topic, data)).catch(() => {});
    },
    onMessage(receive) {
      receivers.push(receive);
    },
    async close() {
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
