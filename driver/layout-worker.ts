// The control panel's topology layout (elkjs: seconds on a large app's first start) computed in a
// worker thread (layout-thread.ts): `gati dev` lays the topology out after its first answer
// (BuildOptions.deferEmit) and keeps answering meanwhile.
import { Worker } from 'node:worker_threads';
import type { TopologyEdge, TopologyNode } from '../runtime-shim/control/api-types.js';
import type { computeLayout } from '../emitters/control/layout.js';

export function layoutInWorker(graph: { nodes: TopologyNode[]; edges: TopologyEdge[] }): Promise<ReturnType<typeof computeLayout>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layout-thread.js', import.meta.url), { workerData: graph });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the layout worker exited with ${code} before answering`)));
  });
}
