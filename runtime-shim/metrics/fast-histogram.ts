// A histogram for the per-request path: each series is resolved once (its labels escaped and its
// lines' prefixes built then), an observation is a bucket search and three additions, and the
// Prometheus text is written by concatenation. prom-client's Histogram hashes the labels on every
// observation and builds an object per bucket line on every scrape: with hundreds of routes that
// is most of a request's metrics cost and most of a scrape. `get()` answers in prom-client's shape,
// so the cluster aggregator sums it like any prom-client histogram.

export interface HistogramSeries {
  observe(value: number): void;
}

interface Series extends HistogramSeries {
  labels: Record<string, string>;
  /** Per bucket (not cumulative): observations ≤ its bound and above the previous one. */
  counts: Float64Array;
  sum: number;
  count: number;
  /** `<name>_bucket{le="…",<labels>} ` per bound, then +Inf, `_sum{…} `, `_count{…} `. */
  prefixes: string[];
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {}

  /** The series of these label values (in labelNames' order); call once and keep it. */
  labels(...values: string[]): HistogramSeries {
    const labels: Record<string, string> = {};
    this.labelNames.forEach((n, i) => (labels[n] = values[i]!));
    const text = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`).join(',');
    const bucket = (le: string) => `${this.name}_bucket{le="${le}",${text}} `;
    const prefixes = [...this.bounds.map((b) => bucket(String(b))), bucket('+Inf'), `${this.name}_sum{${text}} `, `${this.name}_count{${text}} `];
    const bounds = this.bounds;
    const series: Series = {
      labels,
      counts: new Float64Array(bounds.length),
      sum: 0,
      count: 0,
      prefixes,
      observe(value: number) {
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            series.counts[i]!++;
            break;
          }
        }
        series.sum += value;
        series.count++;
      },
    };
    this.series.push(series);
    return series;
  }

  /** The bucket bounds (seconds for the request histogram). */
  get buckets(): readonly number[] {
    return this.bounds;
  }

  /** A copy of every series' counts now (per bucket, not cumulative; the last past every bound): the control panel's windows. */
  snapshot(): { labels: Record<string, string>; counts: number[]; sum: number; count: number }[] {
    return this.series.map((s) => {
      const counts = Array.from(s.counts);
      let inBuckets = 0;
      for (const c of counts) inBuckets += c;
      counts.push(s.count - inBuckets);
      return { labels: s.labels, counts, sum: s.sum, count: s.count };
    });
  }

  /** The family in the Prometheus text format (what `/metrics` serves). */
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series) {
      let cumulative = 0;
      const p = s.prefixes;
      for (let i = 0; i < s.counts.length; i++) lines.push(p[i] + String((cumulative += s.counts[i]!)));
      const n = s.counts.length;
      lines.push(p[n] + String(s.count), p[n + 1] + String(s.sum), p[n + 2] + String(s.count));
    }
    return lines.join('\n');
  }

  /** The family as prom-client's `getMetricsAsJSON` gives a histogram (what a worker sends the cluster primary). */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.series) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => values.push({ labels: { le, ...s.labels }, value: (cumulative += s.counts[i]!), metricName: `${this.name}_bucket` }));
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
