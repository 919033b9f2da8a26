// The standard OpenTelemetry variables as the runtime reads them (runtime-shim/tracing/settings.ts),
// and the W3C traceparent reader and writer (traceparent.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tracingSettings } from '../runtime-shim/tracing/settings.js';
import { formatTraceparent, parseTraceparent } from '../runtime-shim/tracing/traceparent.js';
import { redactedEndpoint } from '../runtime-shim/tracing/index.js';

test('no endpoint, or OTEL_SDK_DISABLED=true: tracing off', () => {
  assert.is(tracingSettings({}, 'app'), null);
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'app'), null);
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, 'app'), null);
});

test('the base endpoint gets /v1/traces; the traces endpoint is used as is and wins', () => {
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }, 'app')!.endpoint, 'http://c:4318/v1/traces');
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:9999/x' }, 'app')!.endpoint, 'http://t:9999/x');
});

test('defaults: http/protobuf, the app name, parentbased_always_on, ratio 1', () => {
  const s = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'payments')!;
  assert.equal({ protocol: s.protocol, serviceName: s.serviceName, sampler: s.sampler, ratio: s.ratio, warnings: s.warnings }, { protocol: 'http/protobuf', serviceName: 'payments', sampler: 'parentbased_always_on', ratio: 1, warnings: [] });
});

test('protocol, service name, sampler and ratio from their variables; what cannot be honoured is a warning', () => {
  const s = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'svc', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, 'app')!;
  assert.equal([s.protocol, s.serviceName, s.sampler, s.ratio], ['http/json', 'svc', 'parentbased_traceidratio', 0.25]);
  const bad = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'app')!;
  assert.equal([bad.protocol, bad.sampler], ['http/protobuf', 'parentbased_always_on']);
  assert.is(bad.warnings.length, 2);
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, 'app')!.ratio, 1);
  assert.is(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, 'app')!.protocol, 'http/json');
});

test('traceparent: valid ones parse; malformed, all-zero and version ff do not; written back as read', () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  assert.equal(parseTraceparent(tp), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
  assert.is(formatTraceparent(parseTraceparent(tp)!), tp);
  for (const bad of [undefined, '', 'x', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', `${tp}-extra`]) {
    assert.is(parseTraceparent(bad), undefined, String(bad));
  }
  // A later version may append fields.
  assert.ok(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more'));
});

test('the endpoint logged has no credentials and no query string', () => {
  assert.is(redactedEndpoint('https://user:secret@collector.example.com:4318/v1/traces?key=abc'), 'https://collector.example.com:4318/v1/traces');
});

test.run();
