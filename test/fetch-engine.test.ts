// The code Bun.serve and Deno.serve share (runtime-shim/server/fetch-engine.ts), on web Requests:
// headers in and out (repeated ones too), the body limit while streaming, the body timeout, and
// a failing pipeline. The serving suites cover it end to end on both engines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFetchHandler } from '../runtime-shim/server/fetch-engine.js';
import type { AnswerRequest, IncomingRequest, OutgoingResponse, Respond } from '../runtime-shim/server/wire.js';
import { BodyTimeoutError, BodyTooLargeError } from '../runtime-shim/server/body.js';
import { BodyDeadlines } from '../runtime-shim/server/body-deadlines.js';
import type { Logger } from '../runtime-shim/types.js';

const errors: unknown[] = [];
const log = { error: (o: unknown) => errors.push(o), warn() {}, info() {}, debug() {}, child: () => log } as unknown as Logger;

test('request headers, path and body reach the pipeline; the answer keeps every header, repeated ones too', async () => {
  let seen: IncomingRequest | undefined;
  let body = '';
  const pipeline: AnswerRequest = async (req) => {
    seen = req;
    body = (await req.readBody(1024)).toString();
    return { status: 201, headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'r-1' }, body: '{"ok":true}' };
  };
  const handler = createFetchHandler<{ ip: string }>(pipeline, { log, ipOf: (_r, extra) => extra.ip });
  const res = await handler.fetch(new Request('http://h:1/users/7/orders?x=1', { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't' }, body: '{"a":1}' }), { ip: '10.0.0.9' });
  assert.is(seen!.url, '/users/7/orders?x=1');
  assert.is(seen!.headers['x-trace'], 't');
  assert.is(seen!.ip, '10.0.0.9');
  assert.is(body, '{"a":1}');
  assert.is(res.status, 201);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.is(res.headers.get('x-request-id'), 'r-1');
  assert.equal(res.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.equal(await res.json(), { ok: true });
  assert.is(handler.inFlight(), 0);
});

test('every header of an answer arrives, in place of a string body\'s default Content-Type; repeated ones appended', async () => {
  const answers: OutgoingResponse[] = [
    { status: 200, headers: { 'content-type': 'application/json', 'x-api-version': '1.0.0', 'x-request-id': 'r-1' }, body: '{}' },
    { status: 201, headers: { 'content-type': 'application/json', 'x-api-version': '1.0.0', 'x-request-id': 'r-2' }, body: '{}' },
    { status: 200, headers: { 'content-type': 'application/json', 'x-api-version': '2.0.0', 'x-request-id': 'r-3' }, body: '{}' },
    { status: 200, headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'r-4' }, body: 'x' },
    { status: 204, headers: { allow: 'GET' }, body: undefined },
  ];
  let next = 0;
  const handler = createFetchHandler(async () => answers[next++]!, { log, ipOf: () => '' });
  const got: Array<[number, Record<string, string>, string[]]> = [];
  for (let i = 0; i < answers.length; i++) {
    const res = await handler.fetch(new Request('http://h/x'), undefined);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => name !== 'set-cookie' && (headers[name] = value));
    got.push([res.status, headers, res.headers.getSetCookie()]);
  }
  assert.equal(got, [
    [200, { 'content-type': 'application/json', 'x-api-version': '1.0.0', 'x-request-id': 'r-1' }, []],
    [201, { 'content-type': 'application/json', 'x-api-version': '1.0.0', 'x-request-id': 'r-2' }, []],
    [200, { 'content-type': 'application/json', 'x-api-version': '2.0.0', 'x-request-id': 'r-3' }, []],
    [200, { 'content-type': 'text/plain', 'x-request-id': 'r-4' }, ['a=1', 'b=2']],
    [204, { allow: 'GET' }, []],
  ]);
});

test('the pipeline reads one header without the record: header() is Headers.get, duplicates joined', async () => {
  let seen: IncomingRequest | undefined;
  const handler = createFetchHandler<undefined>(async (req) => {
    seen = req;
    return { status: 204, headers: {}, body: undefined };
  }, { log, ipOf: () => '' });
  const headers = new Headers([['x-request-id', 'abc'], ['accept', 'a'], ['accept', 'b']]);
  await handler.fetch(new Request('http://h/x', { headers }), undefined);
  assert.is(seen!.header!('x-request-id'), 'abc');
  assert.is(seen!.header!('accept'), 'a, b');
  assert.is(seen!.header!('x-missing'), undefined);
  assert.is(seen!.headers.accept, 'a, b');
});

test("the engine's request.headers is asked for once, however many headers the pipeline and the body read look up", async () => {
  let asked = 0;
  const request = new Request('http://h/x', { method: 'POST', headers: { 'x-request-id': 'abc', 'content-type': 'application/json' }, body: '{"a":1}' });
  const native = request.headers;
  // A served request's `headers` is a native getter (Bun copies the headers out of its parser on the first).
  Object.defineProperty(request, 'headers', { get: () => (asked++, native) });
  let body = '';
  const handler = createFetchHandler<undefined>(async (req) => {
    assert.is(req.header!('x-request-id'), 'abc');
    assert.is(req.header!('content-type'), 'application/json');
    body = String(await req.readBody(1024));
    assert.is(req.headers['x-request-id'], 'abc');
    return { status: 204, headers: {}, body: undefined };
  }, { log, ipOf: () => '' });
  assert.is((await handler.fetch(request, undefined)).status, 204);
  assert.is(body, '{"a":1}');
  assert.is(asked, 1);
});

test('a streamed body (no Content-Length) past the limit is refused chunk by chunk with BodyTooLargeError', async () => {
  const pipeline: AnswerRequest = async (req) => {
    try {
      await req.readBody(10);
      return { status: 200, headers: {}, body: undefined };
    } catch (error) {
      return { status: error instanceof BodyTooLargeError ? 413 : 599, headers: {}, body: undefined };
    }
  };
  const handler = createFetchHandler(pipeline, { log, ipOf: () => '' });
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('x'.repeat(8))); c.enqueue(new TextEncoder().encode('y'.repeat(8))); c.close(); } });
  const res = await handler.fetch(new Request('http://h/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit), undefined);
  assert.is(res.status, 413);
});

/** A request whose pipeline failed with 'secret detail': a 500 problem that does not say it, and one error logged. */
async function answersHiddenFailure(handler: ReturnType<typeof createFetchHandler>): Promise<void> {
  const before = errors.length;
  const res = await handler.fetch(new Request('http://h/x'), undefined);
  assert.is(res.status, 500);
  assert.is(res.headers.get('content-type'), 'application/problem+json');
  assert.not.match(await res.text(), 'secret');
  assert.is(errors.length, before + 1);
}

test('a failing pipeline is a 500 problem without internals, and the error is logged', async () => {
  const handler = createFetchHandler(async () => {
    throw new Error('secret detail');
  }, { log, ipOf: () => '' });
  await answersHiddenFailure(handler);
});

test('bodyTimeoutMs: a body that stops arriving is answered 408 with Connection: close', async () => {
  const pipeline: AnswerRequest = async (req) => {
    await req.readBody(1024);
    return { status: 200, headers: {}, body: undefined };
  };
  const handler = createFetchHandler(pipeline, { log, ipOf: () => '', bodyTimeoutMs: 50 });
  const stalled = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"a":')); } });
  const res = await handler.fetch(new Request('http://h/x', { method: 'POST', body: stalled, duplex: 'half' } as RequestInit), undefined);
  assert.is(res.status, 408);
  assert.is(res.headers.get('connection'), 'close');
  assert.is(((await res.json()) as { status: number }).status, 408);
});

test('bodyTimeoutMs: reads that finish in time are untouched; of reads in flight together only the stalled one times out', async () => {
  const pipeline: AnswerRequest = async (req) => {
    const raw = await req.readBody(1024);
    return { status: 200, headers: {}, body: raw.toString() };
  };
  const handler = createFetchHandler(pipeline, { log, ipOf: () => '', bodyTimeoutMs: 80 });
  let finishLate!: () => void;
  const late = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"late":')); finishLate = () => { c.enqueue(new TextEncoder().encode('1}')); c.close(); }; } });
  const stalled = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"a":')); } });
  const post = (body: string | ReadableStream) => handler.fetch(new Request('http://h/x', { method: 'POST', body, duplex: 'half' } as RequestInit), undefined);
  const [quick, slowButInTime, never] = [post('{"quick":1}'), post(late), post(stalled)];
  setTimeout(() => finishLate(), 20);
  assert.is(await (await quick).text(), '{"quick":1}');
  assert.is(await (await slowButInTime).text(), '{"late":1}');
  assert.is((await never).status, 408);
  // The same handler keeps timing out later reads once the first ones are settled.
  const again = await post(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{')); } }));
  assert.is(again.status, 408);
});

test('request headers as the pipeline reads them: lowercase names, duplicates joined, set-cookie a list, every name listed', async () => {
  let seen: IncomingRequest['headers'] = {};
  const handler = createFetchHandler<undefined>(async (req) => {
    seen = req.headers;
    return { status: 204, headers: {}, body: undefined };
  }, { log, ipOf: () => '' });
  const headers = new Headers([['X-Trace', 't'], ['x-dup', 'a'], ['X-Dup', 'b'], ['Cookie', 'c=1'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
  await handler.fetch(new Request('http://h/x', { headers }), undefined);
  assert.is(seen['x-trace'], 't');
  assert.is(seen['X-Trace'], undefined);
  assert.is(seen['x-dup'], 'a, b');
  assert.equal(seen['set-cookie'], ['a=1', 'b=2']);
  assert.is(seen['not a header name'], undefined);
  assert.is(seen['missing'], undefined);
  assert.ok('cookie' in seen);
  assert.equal(Object.keys(seen).sort(), ['cookie', 'set-cookie', 'x-dup', 'x-trace']);
  assert.equal(JSON.parse(JSON.stringify(seen)), { cookie: 'c=1', 'set-cookie': ['a=1', 'b=2'], 'x-dup': 'a, b', 'x-trace': 't' });
  seen['x-added'] = '1';
  delete seen['cookie'];
  assert.is(seen['x-added'], '1');
  assert.is(seen['cookie'], undefined);
  assert.is(typeof (seen as object).hasOwnProperty, 'function');
});

test('the pipeline\'s callback form: a synchronous answer is the Response itself, a later one a promise of it; the in-flight count follows both', async () => {
  const later: (() => void)[] = [];
  const respond: Respond = (req, reply, ctx) => {
    const out = { status: 200, headers: { 'content-type': 'text/plain', 'x-request-id': 'r-2' }, body: req.url };
    if (req.url === '/now') reply(ctx, out);
    else later.push(() => reply(ctx, out));
  };
  const promiseForm: AnswerRequest = async () => {
    throw new Error('the callback form must be used');
  };
  const handler = createFetchHandler(Object.assign(promiseForm, { respond }), { log, ipOf: () => '' });
  const now = handler.fetch(new Request('http://h/now'), undefined);
  assert.ok(now instanceof Response);
  assert.is(handler.inFlight(), 0);
  assert.is(await (now as Response).text(), '/now');
  assert.is((now as Response).headers.get('x-request-id'), 'r-2');
  const pending = handler.fetch(new Request('http://h/later?q=1'), undefined);
  assert.ok(pending instanceof Promise);
  assert.is(handler.inFlight(), 1);
  later.shift()!();
  assert.is(await (await pending).text(), '/later?q=1');
  assert.is(handler.inFlight(), 0);
});

test('bodyTimeoutMs with the callback form (readBodyTo): a body that arrives is read once; one that stops gets BodyTimeoutError once, a late byte changes nothing', async () => {
  const outcomes: string[] = [];
  const respond: Respond = (req, reply, ctx) => {
    req.readBodyTo!(1024, ctx, (c, raw) => {
      outcomes.push(`read ${raw.toString()}`);
      reply(c, { status: 200, headers: {}, body: undefined });
    }, (c, error) => {
      outcomes.push(error instanceof BodyTimeoutError ? 'timeout' : `error ${String(error)}`);
      reply(c, { status: 408, headers: {}, body: undefined });
    });
  };
  const handler = createFetchHandler(Object.assign(async () => ({ status: 599, headers: {}, body: undefined }), { respond }), { log, ipOf: () => '', bodyTimeoutMs: 50 });
  const ok = await handler.fetch(new Request('http://h/x', { method: 'POST', headers: { 'content-length': '7' }, body: '{"a":1}' }), undefined);
  assert.is(ok.status, 200);
  let push: (text: string) => void = () => {};
  const stalled = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"a":')); push = (t) => { c.enqueue(new TextEncoder().encode(t)); c.close(); }; } });
  const late = await handler.fetch(new Request('http://h/x', { method: 'POST', body: stalled, duplex: 'half' } as RequestInit), undefined);
  assert.is(late.status, 408);
  push('1}');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(outcomes, ['read {"a":1}', 'timeout']);
  assert.is(handler.inFlight(), 0);
});

test('the callback form: a pipeline that throws instead of answering is a 500 problem, answered once and logged', async () => {
  const respond: Respond = () => {
    throw new Error('secret detail');
  };
  const handler = createFetchHandler(Object.assign(async () => ({ status: 599, headers: {}, body: undefined }), { respond }), { log, ipOf: () => '' });
  await answersHiddenFailure(handler);
  assert.is(handler.inFlight(), 0);
});

test.run();

test('body deadlines with many reads in flight: those settled in any order are done once, each stalled one fails once, and the timer starts again for later reads', async () => {
  const deadlines = new BodyDeadlines(60);
  const outcomes = new Map<number, string[]>();
  const note = (i: number, what: string) => outcomes.set(i, [...(outcomes.get(i) ?? []), what]);
  const settle: Array<(value: string) => void> = [];
  for (let i = 0; i < 40; i++) {
    const work = new Promise<string>((resolve) => settle.push(resolve));
    deadlines.watch(work, i, (n, value) => note(n, `done ${value}`), (n, error) => note(n, error instanceof BodyTimeoutError ? 'timeout' : 'error'));
  }
  // Every third read stalls; the rest arrive out of order (the list unlinks from its middle and ends).
  const arriving = [...Array(40).keys()].filter((i) => i % 3 !== 0).reverse();
  for (const i of arriving) settle[i]!(`#${i}`);
  await new Promise((r) => setTimeout(r, 150));
  for (let i = 0; i < 40; i++) settle[i]!('late'); // too late for the stalled ones: changes nothing
  await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 40; i++) assert.equal(outcomes.get(i), [i % 3 === 0 ? 'timeout' : `done #${i}`], `read ${i}`);
  // The list emptied, the timer stopped; a later read is guarded again.
  const after = await deadlines.guard(new Promise<string>(() => {})).then(() => 'done', (error: unknown) => error);
  assert.instance(after, BodyTimeoutError);
});
