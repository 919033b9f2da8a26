// A stand-in for an OpenTelemetry collector: a node:http server on a free port that takes OTLP/HTTP
// trace exports (`POST /v1/traces`) in both encodings, `application/x-protobuf` (decoded by the small
// protobuf reader below: OpenTelemetry's transformer only serializes, and no package here ships the
// OTLP .proto files) and `application/json`, and keeps the spans.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttrValue = string | number | boolean;

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer (OTLP's enum, one above the API's). */
  kind: number;
  attributes: Record<string, AttrValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  service: string;
}

export interface Collector {
  url: string;
  spans: CollectedSpan[];
  /** Content types of the exports received. */
  contentTypes: string[];
  /** Resolves once `predicate` holds for the spans received (polls; rejects after `ms`). */
  waitFor(predicate: (spans: CollectedSpan[]) => boolean, ms?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const spans: CollectedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const type = String(req.headers['content-type'] ?? '');
      contentTypes.push(type);
      try {
        spans.push(...(type.includes('json') ? fromJson(JSON.parse(body.toString('utf8'))) : fromProtobuf(body)));
        res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' });
        res.end(type.includes('json') ? '{}' : undefined);
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    async waitFor(predicate, ms = 15_000) {
      const until = Date.now() + ms;
      while (!predicate(spans)) {
        if (Date.now() > until) throw new Error(`the collector did not get the expected spans in ${ms} ms; it has:\n${spans.map((s) => `${s.name} ${s.traceId}/${s.spanId} <- ${s.parentSpanId}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---- OTLP JSON (ids are hex strings; enums numbers) ----

interface JsonKeyValue { key: string; value: Record<string, unknown> }

function fromJson(body: { resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] }): CollectedSpan[] {
  const out: CollectedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(jsonAttributes(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: String(s.traceId ?? ''),
          spanId: String(s.spanId ?? ''),
          parentSpanId: String(s.parentSpanId ?? ''),
          name: String(s.name),
          kind: Number(s.kind ?? 0),
          attributes: jsonAttributes(s.attributes as JsonKeyValue[] | undefined),
          statusCode: Number((s.status as { code?: number } | undefined)?.code ?? 0),
          service,
        });
      }
    }
  }
  return out;
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const { key, value } of list ?? []) {
    if ('stringValue' in value) out[key] = String(value.stringValue);
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = Number(value.doubleValue);
    else if ('boolValue' in value) out[key] = Boolean(value.boolValue);
  }
  return out;
}

// ---- OTLP protobuf (opentelemetry/proto/collector/trace/v1, the fields a test reads) ----

/** Field number → the raw values of that field, in order (varints as numbers, the rest as bytes). */
type Fields = Map<number, (number | Buffer)[]>;

function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = () => {
    // Read as a signed 64-bit integer: a negative int64 arrives as its two's complement (10 bytes).
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, result));
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) (value = buf.subarray(i, i + 8)), (i += 8);
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 5) (value = buf.subarray(i, i + 4)), (i += 4);
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

const bytes = (f: Fields, n: number) => (f.get(n)?.[0] as Buffer | undefined) ?? Buffer.alloc(0);
const all = (f: Fields, n: number) => (f.get(n) ?? []) as Buffer[];
const num = (f: Fields, n: number) => (f.get(n)?.[0] as number | undefined) ?? 0;

function fromProtobuf(body: Buffer): CollectedSpan[] {
  const out: CollectedSpan[] = [];
  // ExportTraceServiceRequest { 1: ResourceSpans }; ResourceSpans { 1: Resource, 2: ScopeSpans }
  for (const rs of all(fields(body), 1)) {
    const r = fields(rs);
    const service = String(protoAttributes(all(fields(bytes(r, 1)), 1))['service.name'] ?? '');
    for (const ss of all(r, 2)) {
      // ScopeSpans { 2: Span }; Span { 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes, 15 status { 3 code } }
      for (const sp of all(fields(ss), 2)) {
        const s = fields(sp);
        out.push({
          traceId: bytes(s, 1).toString('hex'),
          spanId: bytes(s, 2).toString('hex'),
          parentSpanId: bytes(s, 4).toString('hex'),
          name: bytes(s, 5).toString('utf8'),
          kind: num(s, 6),
          attributes: protoAttributes(all(s, 9)),
          statusCode: s.has(15) ? num(fields(bytes(s, 15)), 3) : 0,
          service,
        });
      }
    }
  }
  return out;
}

/** KeyValue { 1 key, 2 AnyValue { 1 string, 2 bool, 3 int, 4 double } } */
function protoAttributes(list: Buffer[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list) {
    const f = fields(kv);
    const key = bytes(f, 1).toString('utf8');
    const v = fields(bytes(f, 2));
    if (v.has(1)) out[key] = bytes(v, 1).toString('utf8');
    else if (v.has(2)) out[key] = num(v, 2) === 1;
    else if (v.has(3)) out[key] = num(v, 3);
    else if (v.has(4)) out[key] = (v.get(4)![0] as Buffer).readDoubleLE(0);
  }
  return out;
}
