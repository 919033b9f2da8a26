// Gati's OTLP export bodies (runtime-shim/tracing/otlp.ts, encoded by hand) checked against the
// official OTLP schema (test/fixtures-otlp/opentelemetry-proto, copied from open-telemetry/
// opentelemetry-proto) with protobufjs: an independent decoder, so a bug mirrored in the encoder and in
// the collector stand-in (helpers/otlp-collector.ts) cannot pass. The recorder is driven in process
// with every attribute type; the protobuf body decodes to what was recorded, and the JSON body names
// only the schema's JSON fields with the OTLP/JSON value forms (hex ids, int64 as strings, enums as
// numbers) and carries the same request.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as api from '@opentelemetry/api';
import protobuf from 'protobufjs';
import { RecorderProvider, type RecordedSpan } from '../runtime-shim/tracing/recorder.js';
import { JsonBatch, ProtobufBatch } from '../runtime-shim/tracing/otlp.js';
import { REPO } from './helpers/paths.js';
import { GATI_BIN, builtFixtureCopy, removeDir, runServer } from './helpers/server.js';

const PROTO_ROOT = join(REPO, 'test/fixtures-otlp/opentelemetry-proto');
const schema = new protobuf.Root();
schema.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
schema.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
schema.resolveAll();
const REQUEST = schema.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false };

type Obj = Record<string, any>;

// ---- recording ----

const RESOURCE = { 'service.name': 'schema-check', 'service.instance.id': 'i-1' };
const REMOTE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState: api.createTraceState('vendor=x,other=y') };

/** A few spans of two scopes, every attribute type, events, a link, both statuses; a body over 128 bytes. */
function record(): RecordedSpan[] {
  const ended: RecordedSpan[] = [];
  const provider = new RecorderProvider({ trace: api.trace, context: api.context }, () => true, { push: (span) => void ended.push(span) });
  const gati = provider.getTracer('gati');
  const app = provider.getTracer('my-app', '1.2.3');
  const root = gati.startSpan('GET /payments/:id', { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 } }, api.trace.setSpan(api.ROOT_CONTEXT, api.trace.wrapSpanContext(REMOTE)));
  const child = app.startSpan('own work', {
    kind: api.SpanKind.CLIENT,
    startTime: new Date(Date.UTC(2026, 11, 7, 6, 0, 0, 123)),
    attributes: {
      s: 'é'.repeat(70), empty: '', yes: true, no: false, zero: 0, n: 42, neg: -5, big: 2 ** 53 - 1, d: 1.5, tiny: -1e-300,
      strings: ['a', '', 'ü'], bools: [true, false], ints: [1, -2, 3], doubles: [0.5, -2.25], holes: ['x', null as unknown as string, 'z'],
    },
    links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, traceState: api.createTraceState('k=v') }, attributes: { reason: 'batch' } }],
  }, api.trace.setSpan(api.ROOT_CONTEXT, root));
  child.setAttribute('n', 43); // overrides the starting attribute
  child.setAttribute('late', 'set after start');
  child.addEvent('retry', { attempt: 2 }, [1_796_600_000, 500]);
  child.recordException(new TypeError('bad input'));
  child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'declined' });
  child.end([1_796_600_001, 250_000]);
  const internal = app.startSpan('internal', { root: true });
  internal.setStatus({ code: api.SpanStatusCode.OK });
  internal.end();
  root.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream failed' });
  root.end();
  return ended;
}

// ---- what the schema should hold for a recorded span (built from the recorder's fields, not the encoder) ----

const OTLP_KIND: Record<number, number> = { [api.SpanKind.INTERNAL]: 1, [api.SpanKind.SERVER]: 2, [api.SpanKind.CLIENT]: 3, [api.SpanKind.PRODUCER]: 4, [api.SpanKind.CONSUMER]: 5 };

function expectedValue(value: unknown): Obj {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: (value as unknown[]).map(expectedValue) } };
}

function expectedAttributes(attributes: api.Attributes | undefined): Obj[] {
  return Object.entries(attributes ?? {}).map(([key, value]) => ({ key, value: expectedValue(value) }));
}

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** Expected span with its times left out (compared apart, to the clock's precision). */
function expectedSpan(span: RecordedSpan): Obj {
  const ids = span.spanContext();
  const out: Obj = { traceId: b64(ids.traceId), spanId: b64(ids.spanId), name: span.name, kind: OTLP_KIND[span.kind] };
  if (ids.traceState) out.traceState = ids.traceState.serialize();
  if (span.parentSpanId) out.parentSpanId = b64(span.parentSpanId);
  const attributes = expectedAttributes({ ...span.attributes, ...span.added });
  if (attributes.length) out.attributes = attributes;
  if (span.events) out.events = span.events.map((e) => ({ name: e.name, ...(e.attributes && Object.keys(e.attributes).length ? { attributes: expectedAttributes(e.attributes) } : {}) }));
  if (span.links) out.links = span.links.map((l) => ({ traceId: b64(l.context.traceId), spanId: b64(l.context.spanId), ...(l.context.traceState ? { traceState: l.context.traceState.serialize() } : {}), ...(l.attributes ? { attributes: expectedAttributes(l.attributes) } : {}) }));
  if (span.statusCode) out.status = { code: span.statusCode, ...(span.statusMessage ? { message: span.statusMessage } : {}) };
  return out;
}

/** Epoch milliseconds (fractional) as nanoseconds, exactly (BigInt), for comparing within `NANOS_EPSILON`. */
function exactNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
/** The recorder's times are doubles of epoch milliseconds: exact to 256 ns at today's epoch (otlp.ts). */
const NANOS_EPSILON = 256n;

function assertTime(actual: string, ms: number, what: string): void {
  assert.match(actual, /^[0-9]+$/, `${what}: a decimal int64`);
  const delta = BigInt(actual) - exactNanos(ms);
  assert.ok(delta <= NANOS_EPSILON && delta >= -NANOS_EPSILON, `${what}: ${actual} is ${delta} ns off ${exactNanos(ms)}`);
}

/** Sorts attributes by key (the encodings may order the overridden ones differently); strips times after checking them. */
function normalise(request: Obj, spans: RecordedSpan[]): Obj {
  for (const scopeSpans of request.resourceSpans[0].scopeSpans) {
    for (const span of scopeSpans.spans) {
      const recorded = spans.find((s) => b64(s.spanContext().spanId) === span.spanId)!;
      assert.ok(recorded, `span ${span.name} was recorded`);
      assertTime(span.startTimeUnixNano, recorded.start, `${span.name} start`);
      assertTime(span.endTimeUnixNano, recorded.end_, `${span.name} end`);
      delete span.startTimeUnixNano;
      delete span.endTimeUnixNano;
      span.events?.forEach((event: Obj, i: number) => {
        assertTime(event.timeUnixNano, recorded.events![i]!.time, `${span.name} event ${event.name}`);
        delete event.timeUnixNano;
      });
      span.attributes?.sort((a: Obj, b: Obj) => (a.key < b.key ? -1 : 1));
    }
  }
  return request;
}

function expectedRequest(spans: RecordedSpan[]): Obj {
  const scopes = new Map<string, { scope: Obj; spans: Obj[] }>();
  for (const span of spans) {
    const key = `${span.scope.name}@${span.scope.version}`;
    if (!scopes.has(key)) scopes.set(key, { scope: span.scope.version ? { name: span.scope.name, version: span.scope.version } : { name: span.scope.name }, spans: [] });
    const s = expectedSpan(span);
    s.attributes?.sort((a: Obj, b: Obj) => (a.key < b.key ? -1 : 1));
    scopes.get(key)!.spans.push(s);
  }
  return { resourceSpans: [{ resource: { attributes: expectedAttributes(RESOURCE) }, scopeSpans: [...scopes.values()] }] };
}

// ---- the checks ----

test('protobuf body: decodes with the official schema to exactly the spans recorded', () => {
  const spans = record();
  const batch = new ProtobufBatch(RESOURCE);
  for (const span of spans) batch.add(span);
  const body = batch.seal();
  assert.ok(body.length > 128 * 4, 'long enough for multi-byte lengths');
  const decoded = REQUEST.toObject(REQUEST.decode(body), TO_OBJECT);
  const spanOf = (name: string) => decoded.resourceSpans[0].scopeSpans.flatMap((s: Obj) => s.spans).find((s: Obj) => s.name === name);
  // A few facts spelled out before the whole comparison, so a failure says what broke.
  assert.is(Buffer.from(spanOf('GET /payments/:id').traceId, 'base64').toString('hex'), REMOTE.traceId);
  assert.is(Buffer.from(spanOf('GET /payments/:id').parentSpanId, 'base64').toString('hex'), REMOTE.spanId);
  assert.is(spanOf('GET /payments/:id').traceState, 'vendor=x,other=y');
  assert.is(spanOf('own work').status.code, 2);
  assert.is(spanOf('internal').status.code, 1);
  assert.is(spanOf('internal').parentSpanId, undefined);
  assert.equal(normalise(decoded, spans), expectedRequest(spans));
});

test('JSON body: only the schema\'s JSON field names, OTLP/JSON value forms, the same request as the schema holds it', () => {
  const spans = record();
  const batch = new JsonBatch(RESOURCE);
  for (const span of spans) batch.add(span);
  const json = JSON.parse(batch.seal() as string);
  checkJson(REQUEST, json, 'request');
  // OTLP/JSON differs from the proto3 mapping only in its ids (hex, not base64): as base64, protobufjs
  // takes the body, and it round-trips through the binary encoding unchanged.
  const message = REQUEST.fromObject(hexIdsToBase64(structuredClone(json)));
  assert.is(REQUEST.verify(message), null);
  const decoded = REQUEST.toObject(REQUEST.decode(REQUEST.encode(message).finish()), TO_OBJECT);
  assert.equal(normalise(decoded, spans), expectedRequest(spans));
});

test('JSON body: non-finite doubles as the proto3 JSON strings ("NaN", "Infinity"), not null', () => {
  const ended: RecordedSpan[] = [];
  const provider = new RecorderProvider({ trace: api.trace, context: api.context }, () => true, { push: (span) => void ended.push(span) });
  const span = provider.getTracer('x').startSpan('odd numbers', { attributes: { nan: NaN, inf: Infinity, minus: -Infinity } });
  span.end();
  const json = new JsonBatch({ 'service.name': 's' });
  json.add(ended[0]!);
  const body = JSON.parse(json.seal() as string);
  checkJson(REQUEST, body, 'request');
  const values = REQUEST.toObject(REQUEST.fromObject(hexIdsToBase64(body)), TO_OBJECT).resourceSpans[0].scopeSpans[0].spans[0].attributes.map((a: Obj) => a.value.doubleValue);
  assert.ok(Number.isNaN(values[0]));
  assert.equal(values.slice(1), [Infinity, -Infinity]);
  const proto = new ProtobufBatch({ 'service.name': 's' });
  proto.add(ended[0]!);
  const fromProto = REQUEST.toObject(REQUEST.decode(proto.seal()), TO_OBJECT).resourceSpans[0].scopeSpans[0].spans[0].attributes.map((a: Obj) => a.value.doubleValue);
  assert.ok(Number.isNaN(fromProto[0]));
  assert.equal(fromProto.slice(1), [Infinity, -Infinity]);
});

test('protobuf body: a link to ids that are not hex leaves a decodable body (not one whose lengths lie)', () => {
  const ended: RecordedSpan[] = [];
  const provider = new RecorderProvider({ trace: api.trace, context: api.context }, () => true, { push: (span) => void ended.push(span) });
  const span = provider.getTracer('x').startSpan('odd link', { links: [{ context: { traceId: 'not hex at all, 32 characters!!!', spanId: 'zz00zz00zz00zz00', traceFlags: 1 } }] });
  span.end();
  const other = provider.getTracer('x').startSpan('next');
  other.end();
  const batch = new ProtobufBatch({ 'service.name': 's' });
  for (const s of ended) batch.add(s);
  const decoded = REQUEST.toObject(REQUEST.decode(batch.seal()), TO_OBJECT);
  assert.equal(decoded.resourceSpans[0].scopeSpans[0].spans.map((s: Obj) => s.name), ['odd link', 'next']);
});

// ---- OTLP/JSON against the schema ----

const INT64 = new Set(['int64', 'uint64', 'fixed64', 'sfixed64', 'sint64']);
const NUMBER = new Set(['int32', 'uint32', 'fixed32', 'sfixed32', 'sint32']);
/** The bytes fields OTLP/JSON writes as hex, and their lengths in bytes. */
const HEX_BYTES: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };

/** Every key a field's JSON name (protobufjs' camelCase names); each value of the form OTLP/JSON gives that field's type. */
function checkJson(type: protobuf.Type, value: Obj, at: string): void {
  assert.type(value, 'object', at);
  const setOneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    assert.ok(field, `${at}.${key}: not a JSON field of ${type.fullName} (${Object.keys(type.fields).join(', ')})`);
    if (field.partOf) {
      assert.not.ok(setOneofs.has(field.partOf.name), `${at}: oneof ${field.partOf.name} set twice (${setOneofs.get(field.partOf.name)}, ${key})`);
      setOneofs.set(field.partOf.name, key);
    }
    if (field.repeated) {
      assert.ok(Array.isArray(v), `${at}.${key}: an array`);
      (v as unknown[]).forEach((item, i) => checkField(field, item, `${at}.${key}[${i}]`));
    } else checkField(field, v, `${at}.${key}`);
  }
}

function checkField(field: protobuf.Field, v: unknown, at: string): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkJson(resolved, v as Obj, at);
  if (resolved instanceof protobuf.Enum) {
    assert.ok(Number.isInteger(v) && Object.values(resolved.values).includes(v as number), `${at}: an enum number of ${resolved.name}, got ${JSON.stringify(v)}`);
    return;
  }
  if (INT64.has(field.type)) return assert.ok(typeof v === 'string' && /^-?[0-9]+$/.test(v), `${at}: int64 as a decimal string, got ${JSON.stringify(v)}`);
  if (NUMBER.has(field.type)) return assert.ok(Number.isInteger(v), `${at}: an integer`);
  if (field.type === 'double' || field.type === 'float') return assert.ok(typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity', `${at}: a number or a non-finite's name`);
  if (field.type === 'bool') return assert.type(v, 'boolean', at);
  if (field.type === 'string') return assert.type(v, 'string', at);
  if (field.type === 'bytes') {
    const length = HEX_BYTES[field.name];
    assert.ok(length, `${at}: a bytes field OTLP/JSON writes as hex`);
    return assert.match(String(v), new RegExp(`^[0-9a-f]{${length * 2}}$`), `${at}: ${length} bytes as lowercase hex`);
  }
  assert.unreachable(`${at}: unexpected field type ${field.type}`);
}

function hexIdsToBase64(value: unknown): any {
  if (Array.isArray(value)) return value.map(hexIdsToBase64);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k in HEX_BYTES && typeof v === 'string' ? b64(v) : hexIdsToBase64(v)]));
}

// ---- one real export: `gati start` to a node:http sink that keeps the raw bodies ----

async function startSink(): Promise<{ url: string; bodies: { type: string; body: Buffer }[]; close(): Promise<void> }> {
  const bodies: { type: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end(String(req.headers['content-type']).includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

for (const protocol of ['http/protobuf', 'http/json']) {
  test(`gati start (${protocol}): the exported body is a valid ExportTraceServiceRequest with the request's server span`, async () => {
    const { dir, built } = builtFixtureCopy('payments');
    assert.is(built.status, 0, built.stderr + built.stdout);
    const sink = await startSink();
    const app = await runServer([GATI_BIN, 'start', dir], dir, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      const res = await fetch(`${app.url}/health`, { headers: { traceparent: `00-${REMOTE.traceId}-${REMOTE.spanId}-01`, tracestate: 'vendor=abc' } });
      assert.is(res.status, 200);
      await res.text();
      const until = Date.now() + 15_000;
      while (sink.bodies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.ok(sink.bodies.length > 0, 'an export arrived');
      const requests = sink.bodies.map(({ type, body }) => {
        if (protocol === 'http/protobuf') {
          assert.is(type, 'application/x-protobuf');
          return REQUEST.toObject(REQUEST.decode(body), TO_OBJECT);
        }
        assert.is(type, 'application/json');
        const json = JSON.parse(body.toString('utf8'));
        checkJson(REQUEST, json, 'request');
        return REQUEST.toObject(REQUEST.fromObject(hexIdsToBase64(json)), TO_OBJECT);
      });
      const resource = requests[0]!.resourceSpans[0].resource.attributes.find((a: Obj) => a.key === 'service.name');
      assert.equal(resource.value, { stringValue: 'payments' });
      const spans = requests.flatMap((r) => r.resourceSpans[0].scopeSpans.flatMap((s: Obj) => s.spans.map((span: Obj) => ({ ...span, scope: s.scope }))));
      const server = spans.find((s) => s.traceId === b64(REMOTE.traceId) && s.kind === 2);
      assert.ok(server, `the server span of the traced request: ${spans.map((s) => s.name).join(', ')}`);
      assert.equal([server.name, server.scope.name, server.parentSpanId, server.traceState], ['GET /health', 'gati', b64(REMOTE.spanId), 'vendor=abc']);
      assert.is(Buffer.from(server.spanId, 'base64').length, 8);
      const attribute = (key: string) => server.attributes.find((a: Obj) => a.key === key)?.value;
      assert.equal([attribute('http.request.method'), attribute('http.response.status_code')], [{ stringValue: 'GET' }, { intValue: '200' }]);
      assert.ok(BigInt(server.endTimeUnixNano) >= BigInt(server.startTimeUnixNano) && BigInt(server.startTimeUnixNano) > 1_700_000_000_000_000_000n, 'epoch nanoseconds');
    } finally {
      await app.stop();
      await sink.close();
      removeDir(dir);
    }
  });
}

test.run();
