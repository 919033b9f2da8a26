// The effects metrics: `gati_effect_jobs_total{effect,outcome}` and
// `gati_effect_job_duration_seconds{effect}` counted where a job's run ends (the worker pool), and
// `gati_effect_queue_depth{effect,state}` read from the effects backend at scrape time (the counts
// `gati effects` prints), so it is the queue's truth whichever process enqueued or ran the jobs.
import type { Counter, CounterChild, Gauge, Histogram, HistogramChild, PromClient, Registry } from './prom.js';

/** How a run ended: `failed` will be retried, `dead` had no attempts left. */
export type JobOutcome = 'completed' | 'failed' | 'dead';

/** Effect runs last from milliseconds (a webhook) to minutes (a report): 10 ms to 5 min. */
export const EFFECT_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The job states `gati_effect_queue_depth` reports: waiting, being run, and dead (waiting for a person). */
export const QUEUE_STATES = ['queued', 'running', 'dead'] as const;

/** What the queue depth is read from: the effects backend, and the effects this build defines. */
export interface QueueSource {
  effects: readonly string[];
  counts(): Promise<Record<string, Partial<Record<string, number>>>>;
}

/** A scrape waits this long for the backend's counts; a backend that is down leaves the depth out. */
const COUNTS_TIMEOUT_MS = 2_000;

export class EffectRunMetrics {
  private readonly jobs: Counter;
  private readonly duration: Histogram;
  private readonly children = new Map<string, { outcomes: Record<JobOutcome, CounterChild>; duration: HistogramChild }>();
  private readonly sources = new Set<QueueSource>();
  /** Runs per effect and outcome as plain numbers (the control panel reads them without a scrape). */
  readonly totals = new Map<string, Record<JobOutcome, number>>();

  constructor(prom: PromClient, registry: Registry) {
    this.jobs = new prom.Counter({ name: 'gati_effect_jobs_total', help: 'Effect job runs, by how they ended', labelNames: ['effect', 'outcome'], registers: [registry] });
    this.duration = new prom.Histogram({ name: 'gati_effect_job_duration_seconds', help: 'Duration of effect job runs', labelNames: ['effect'], buckets: EFFECT_DURATION_BUCKETS, registers: [registry] });
    const sources = this.sources;
    new prom.Gauge({
      name: 'gati_effect_queue_depth',
      help: 'Effect jobs in the backend, by state (read at scrape time)',
      labelNames: ['effect', 'state'],
      registers: [registry],
      // Every worker reads the same backend: the cluster primary keeps one reading, not their sum.
      aggregator: 'max',
      async collect(this: Gauge) {
        this.reset();
        for (const source of sources) await readDepth(this, source);
      },
    } as never);
  }

  /** One run of `effect` ended after `ms` milliseconds. */
  ran(effect: string, outcome: JobOutcome, ms: number): void {
    let series = this.children.get(effect);
    if (series === undefined) {
      const outcomes = { completed: this.jobs.labels(effect, 'completed'), failed: this.jobs.labels(effect, 'failed'), dead: this.jobs.labels(effect, 'dead') };
      // Every outcome is exported from the first run on (at 0), so a rate of failures has a series to read.
      for (const child of Object.values(outcomes)) child.inc(0);
      this.children.set(effect, (series = { outcomes, duration: this.duration.labels(effect) }));
      this.totals.set(effect, { completed: 0, failed: 0, dead: 0 });
    }
    this.totals.get(effect)![outcome]++;
    series.outcomes[outcome].inc();
    series.duration.observe(ms / 1000);
  }

  queueSources(): Iterable<QueueSource> {
    return this.sources;
  }

  /** Reports `source`'s queue depth on every scrape until the returned function is called. */
  watchQueue(source: QueueSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }
}

/** Every watched queue's depth now, per effect and state (the control panel's effects summary); a backend that is down adds nothing. */
export async function queueDepths(metrics: EffectRunMetrics): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  const collect = { set: (labels: { effect: string; state: string }, value: number) => ((out[labels.effect] ??= {})[labels.state] = value) };
  for (const source of metrics.queueSources()) await readDepth(collect as never, source);
  return out;
}

async function readDepth(gauge: Gauge, source: QueueSource): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let counts: Awaited<ReturnType<QueueSource['counts']>>;
  try {
    counts = await Promise.race([source.counts(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), COUNTS_TIMEOUT_MS)))]);
  } catch {
    return; // the backend is down (its outage is logged and /_ready says so): no reading rather than a wrong one
  } finally {
    clearTimeout(timer);
  }
  // Defined effects with no jobs report 0, so a dashboard's series exist from the start.
  for (const effect of new Set([...source.effects, ...Object.keys(counts)])) {
    for (const state of QUEUE_STATES) gauge.set({ effect, state }, counts[effect]?.[state] ?? 0);
  }
}
