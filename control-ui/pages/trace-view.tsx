// One trace as a span waterfall: spans in tree order, each bar placed on the trace's time line; a
// click on a span shows its attributes and events. Links to the trace's logs.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { SpanView, Trace } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { href } from '../router';
import { Badge, Loading, PageHeader, Section } from '../components/ui';
import { clock, ms } from '../format';
import { barStyle } from './traces';

interface Row {
  span: SpanView;
  depth: number;
}

/** Depth-first from the roots (spans whose parent is not in the trace), children by start time. */
export function spanTree(spans: readonly SpanView[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, SpanView[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const rows: Row[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.start - b.start)) {
      rows.push({ span, depth });
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return rows;
}

export function TraceView({ traceId }: { traceId: string }) {
  const loaded = useApi<Trace>(API_PATHS.trace(traceId));
  const [open, setOpen] = useState<string | undefined>();
  return (
    <>
      <PageHeader title="Trace" sub={<code>{traceId}</code>}>
        <a class="button" href={href('logs', { traceId })}>
          Logs of this trace
        </a>
        <a class="button" href={href('traces')}>
          All traces
        </a>
      </PageHeader>
      <Loading
        loaded={loaded}
        what="this trace"
        render={(trace) => {
          if (!trace.spans.length) return <div class="notice">This trace has no spans (it may have left the buffer).</div>;
          const start = Math.min(...trace.spans.map((s) => s.start));
          const end = Math.max(...trace.spans.map((s) => s.start + s.durationMs));
          const total = Math.max(end - start, 0.001);
          const rows = spanTree(trace.spans);
          const root = rows[0]!.span;
          return (
            <Section title={<>{root.name} · {ms(total)} · {trace.spans.length} spans · {clock(start)}</>}>
              <div class="waterfall" aria-label="Span waterfall" data-testid="waterfall">
                <div class="wf-row wf-head">
                  <span>Span</span>
                  <span class="wf-scale">
                    <span>0</span>
                    <span>{ms(total / 2)}</span>
                    <span>{ms(total)}</span>
                  </span>
                  <span class="num">
                    Duration
                  </span>
                </div>
                {rows.map(({ span, depth }) => (
                  <Fragment key={span.spanId}>
                    <button class={`wf-row ${span.status === 'error' ? 'row-error' : ''}`} aria-expanded={open === span.spanId} onClick={() => setOpen(open === span.spanId ? undefined : span.spanId)}>
                      <span class="wf-name" style={{ paddingLeft: `${depth * 14 + 4}px` }}>
                        <span class={`kind k-${span.kind}`}>{span.kind}</span> {span.name}
                      </span>
                      <span class="wf-track">
                        <span class={`wf-bar ${span.status === 'error' ? 'error' : ''}`} style={barStyle(span.durationMs / total, (span.start - start) / total)} />
                      </span>
                      <span class="num">
                        {ms(span.durationMs)}
                      </span>
                    </button>
                    {open === span.spanId && <SpanDetail span={span} start={start} />}
                  </Fragment>
                ))}
              </div>
            </Section>
          );
        }}
      />
    </>
  );
}

function SpanDetail({ span, start }: { span: SpanView; start: number }) {
  const attributes = Object.entries(span.attributes);
  return (
    <div class="span-detail">
      <div class="row">
        <Badge tone={span.status === 'error' ? 'error' : span.status === 'ok' ? 'ok' : 'muted'}>{span.status}</Badge>
        <span class="muted">
          at +{ms(span.start - start)} · span <code>{span.spanId}</code>
        </span>
      </div>
      {attributes.length > 0 && (
        <dl class="kv">
          {attributes.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {span.events?.map((event, i) => (
        <div key={i} class="event">
          <span class="mono">+{ms(event.time - start)}</span> <strong>{event.name}</strong>
          {event.attributes && <span class="muted"> {JSON.stringify(event.attributes)}</span>}
        </div>
      ))}
    </div>
  );
}
