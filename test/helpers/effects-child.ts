// A child process for the crash tests (run from lib/test/helpers/): `worker` runs jobs with
// runWorker until killed or signalled; `enqueue` enqueues one job and SIGKILLs itself the moment
// enqueue resolved. Progress goes to a marker file the parent reads.
import { appendFileSync } from 'node:fs';
import { createEffectsRuntime, type EffectDefinition } from '../../runtime-shim/effects/index.js';
import { runWorker } from '../../runtime-shim/effects/run-worker.js';
import type { EffectsConfig } from '../../runtime-shim/config.js';
import type { GlobalContext } from '../../runtime-shim/types.js';
import { collectingLogger } from './effects.js';

const [mode, configJson, root, marker, leaseMs] = process.argv.slice(2) as [string, string, string, string, string];
const config = JSON.parse(configJson) as EffectsConfig;
const log = collectingLogger();

interface SlowPayload {
  ms: number;
  /** On this attempt the job never ends (the parent kills the process). */
  hangOnAttempt?: number;
}

const definitions: EffectDefinition[] = [
  {
    name: 'slow',
    retry: { attempts: 5, backoff: 'fixed', delayMs: 10 },
    async run(payload, _gctx, ectx) {
      const p = payload as SlowPayload;
      appendFileSync(marker, `start ${ectx.jobId} ${ectx.attempt} ${process.pid}\n`);
      if (p.hangOnAttempt === ectx.attempt) await new Promise(() => undefined);
      await new Promise((r) => setTimeout(r, p.ms));
      appendFileSync(marker, `done ${ectx.jobId} ${ectx.attempt} ${process.pid}\n`);
    },
  },
];

if (mode === 'worker') {
  const gctx = { modules: {}, config: {}, log } as unknown as GlobalContext;
  const worker = await runWorker({ definitions, config, root, log, gctx, concurrency: 2, leaseMs: Number(leaseMs), shutdownMs: 5000 });
  appendFileSync(marker, `ready ${process.pid}\n`);
  await worker.done;
  appendFileSync(marker, `stopped ${process.pid}\n`);
} else if (mode === 'enqueue') {
  const runtime = await createEffectsRuntime({ definitions, config, root, log });
  const id = await runtime.effects.enqueue('slow' as never, { ms: 1 } as never);
  process.stdout.write(`${id}\n`, () => process.kill(process.pid, 'SIGKILL'));
}
