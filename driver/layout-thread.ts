// The worker thread of layout-worker.ts: lays out the graph it is given and posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import { computeLayout } from '../emitters/control/layout.js';

parentPort!.postMessage(computeLayout(workerData as Parameters<typeof computeLayout>[0]));
