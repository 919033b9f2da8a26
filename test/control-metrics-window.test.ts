// The panel's metrics window over the process's real metrics registry: requests answered before the
// history's first snapshot (under `gati dev` the panel starts before the metrics, so the first
// snapshot can come seconds after the first requests) are in every window that reaches back to the
// metrics' start, and a window counts only what came after its base snapshot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enableMetrics } from '../runtime-shim/metrics/registry.js';
import { MetricsHistory, summarizeWindow } from '../runtime-shim/control/telemetry/metrics-window.js';
import type { Logger } from '../runtime-shim/types.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

test('a request answered before the first snapshot is in the window while the metrics are younger than it', async () => {
  const metrics = enableMetrics(quiet);
  assert.ok(metrics, 'prom-client loads');
  metrics!.http.observe('POST', '/payments', 201, 3);
  const history = new MetricsHistory(() => metrics);
  history.start();
  try {
    metrics!.http.observe('GET', '/payments/:id', 404, 1);
    const summary = summarizeWindow(await history.window(60), 60);
    const routes = summary.routes.map((r) => `${r.method} ${r.route} ${r.count}`).sort();
    assert.equal(routes, ['GET /payments/:id 1', 'POST /payments 1'], JSON.stringify(summary.routes));
  } finally {
    history.stop();
  }
});

test.run();
