// Cross-worker delivery for `--workers`: a worker sends each published message to the cluster
// primary over IPC; the primary relays it to every other worker, which delivers it to its own
// subscribers. One IPC message per publish per worker, whatever the number of subscribers.
import cluster from 'node:cluster';
import type { WsBridge } from './hub.js';

interface WsIpcMessage {
  gatiWs: 1;
  topic: string;
  data: string;
}

const isWsMessage = (m: unknown): m is WsIpcMessage => typeof m === 'object' && m !== null && (m as WsIpcMessage).gatiWs === 1;

/** In a cluster worker: publishes through the primary (which must run relayWsMessages). */
export function createClusterBridge(): WsBridge {
  if (!cluster.isWorker || !process.send) throw new Error('the cluster WebSocket bridge runs in a cluster worker');
  const listeners: ((m: unknown) => void)[] = [];
  return {
    publish(topic, data) {
      process.send!({ gatiWs: 1, topic, data } satisfies WsIpcMessage);
    },
    onMessage(receive) {
      const listener = (m: unknown) => {
        if (isWsMessage(m)) receive(m.topic, m.data);
      };
      listeners.push(listener);
      process.on('message', listener);
    },
    async close() {
      for (const listener of listeners) process.off('message', listener);
    },
  };
}

/** In the cluster primary: relays every worker's published messages to the other workers. Returns a stop function. */
export function relayWsMessages(): () => void {
  const relay = (from: { id: number }, m: unknown) => {
    if (!isWsMessage(m)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(m);
    }
  };
  cluster.on('message', relay);
  return () => cluster.off('message', relay);
}
