// Reads a `/metrics` page with a real Prometheus text parser (parse-prometheus-text-format) into
// samples: { name, labels, value }, one per line, and each family's declared type.
// The parser folds a labelled histogram's series into one (it only keeps unlabelled histograms
// whole), so the samples are read from the page without its TYPE lines, where every `_bucket`,
// `_sum` and `_count` line is a sample of its own with all its labels; the types are read apart.
import { createRequire } from 'node:module';

interface ParsedFamily {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsPage {
  samples: Sample[];
  /** Family name → COUNTER, GAUGE, HISTOGRAM, … */
  types: Map<string, string>;
  /** The value of the one sample named `name` whose labels include `labels`, or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample named `name` whose labels include `labels`. */
  find(name: string, labels?: Record<string, string>): Sample[];
}

export function parseMetricsPage(text: string): MetricsPage {
  const types = new Map(parse(text).map((f) => [f.name, f.type]));
  const untyped = text.split('\n').filter((line) => !line.startsWith('# TYPE ')).join('\n');
  const samples = parse(untyped).flatMap((f) => f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: Number(m.value) })));
  const find = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    samples,
    types,
    find,
    value(name, labels) {
      const found = find(name, labels);
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
  };
}
