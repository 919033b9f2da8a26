// The request pipeline, independent of the HTTP engine: match → validate → middleware + handler
// → response. An engine adapter (node.ts) turns its request into an IncomingRequest and writes
// the OutgoingResponse.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../http-error.js';
import type { GlobalContext, LocalContext, Logger } from '../types.js';
import type { CompiledApp, CompiledRoute, RouteValidators, ValidateFn } from './app.js';
import { PROBLEM_TYPE, problem, type Problem } from './problem.js';
import { toValidationErrors } from './validation-errors.js';
import { BodyTooLargeError, decodeJsonBody } from './body.js';
import { logsAt } from './log.js';
import { createVersioning, type Pin } from './versions.js';

export interface IncomingRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  /** Lowercase names. */
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  /** Reads the whole body; rejects with BodyTooLargeError past `limit` bytes. */
  readBody(limit: number): Promise<Buffer>;
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | undefined;
}

export interface PipelineOptions {
  bodyLimit: number;
  /** Check responses against the declared types and log mismatches (`gati dev`). */
  checkResponses: boolean;
  log: Logger;
  /** False until modules have initialised: /_ready answers 503. */
  isReady(): boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

export function createPipeline(app: CompiledApp, gctx: GlobalContext, options: PipelineOptions): (req: IncomingRequest) => Promise<OutgoingResponse> {
  const logRequests = logsAt(options.log, 'info');
  const versioning = createVersioning(app, options.log);
  return async function handle(incoming) {
    const started = logRequests ? performance.now() : 0;
    const q = incoming.url.indexOf('?');
    const path = q === -1 ? incoming.url : incoming.url.slice(0, q);
    const given = incoming.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    // API versions (versions.ts): the pinned version, or the answer to a bad one or to /_versions.
    const pin = versioning?.pin(incoming, path);
    const out: OutgoingResponse & { routeKey?: string } = pin && !('semver' in pin) ? pin : await route(app, gctx, options, incoming, path, q === -1 ? '' : incoming.url.slice(q + 1), requestId, pin);
    if (pin && 'semver' in pin) Object.assign(out.headers, pin.headers);
    out.headers['x-request-id'] = requestId;
    if (logRequests) options.log.info({ reqId: requestId, method: incoming.method, route: out.routeKey ?? path, status: out.status, durationMs: Math.round((performance.now() - started) * 100) / 100 }, 'request');
    return out;
  };
}

async function route(app: CompiledApp, gctx: GlobalContext, options: PipelineOptions, incoming: IncomingRequest, path: string, search: string, requestId: string, pin?: Pin): Promise<OutgoingResponse & { routeKey?: string }> {
  if (path === '/_health' && (incoming.method === 'GET' || incoming.method === 'HEAD')) return json(200, { status: 'ok' });
  if (path === '/_ready' && (incoming.method === 'GET' || incoming.method === 'HEAD')) {
    return options.isReady() ? json(200, { status: 'ready' }) : problemResponse(problem(503, 'modules are still starting'));
  }
  const matched = app.match(incoming.method, path);
  const old = pin?.old;
  if (old && (matched === null || 'allow' in matched)) {
    const gone = old.goneResponse(incoming.method, path);
    if (gone) return gone;
  }
  if (matched === null) return problemResponse(problem(404, `no route for ${incoming.method} ${path}`));
  if ('allow' in matched) {
    if (incoming.method === 'OPTIONS') return options_(app, gctx, incoming, path, search, requestId, matched.allow, options.log);
    const res = problemResponse(problem(405, `${incoming.method} is not allowed on ${path}`));
    res.headers.allow = matched.allow.join(', ');
    return res;
  }
  if ('badEncoding' in matched) return problemResponse(problem(400, 'the path holds invalid percent-encoding'));
  const compiled = app.routes[matched.route]!;
  const lctx = localContext(requestId, options.log, pin?.semver);
  const req = {
    method: incoming.method,
    path,
    ip: incoming.ip,
    params: matched.params as Record<string, unknown>,
    query: parseQuery(search) as Record<string, unknown>,
    headers: incoming.headers as Record<string, unknown>,
    body: undefined as unknown,
  };
  // A client of an old version: its request is checked against that version and migrated up.
  const oldFailed = old && (await old.request(compiled.key, req, compiled.readsBody, () => readJson(incoming, options.bodyLimit)));
  if (oldFailed) return { ...oldFailed, routeKey: compiled.key };
  const v = compiled.validators;
  const urlProblem = compiled.typed ? validateUrlParts(req, v) : undefined;
  if (urlProblem) return { ...problemResponse(urlProblem), routeKey: compiled.key };
  if (compiled.readsBody) {
    if (!old) {
      const decoded = await readJson(incoming, options.bodyLimit);
      if ('response' in decoded) return { ...decoded.response, routeKey: compiled.key };
      req.body = decoded.value;
    }
    if (compiled.typed && v.body) {
      if (!v.body(req.body)) return { ...problemResponse(validationProblem('body', v.body)), routeKey: compiled.key };
      if (v.reviveBody) req.body = v.reviveBody(req.body);
    }
  }
  const res = newRes(compiled);
  try {
    if (compiled.middleware.length === 0) {
      // The common case without middleware: call the handler here, one async frame less.
      const result = await compiled.handler(req, res, gctx, lctx);
      if (res.body === undefined && result !== undefined) res.body = result;
    } else await runChain(compiled, req, res, gctx, lctx);
  } catch (error) {
    // Headers set before the throw (CORS) stay on the error response, or browsers cannot read it.
    const failed = errorResponse(error, lctx.log, compiled);
    failed.headers = { ...res.headers, ...failed.headers };
    return { ...failed, routeKey: compiled.key };
  }
  if (options.checkResponses && compiled.typed) checkResponse(compiled, res.status, res.body, lctx.log);
  if (old) res.body = old.response(compiled.key, res.status, res.body);
  return { ...bodyResponse(res.status, res.headers, res.body), routeKey: compiled.key };
}

/**
 * OPTIONS on a path without an OPTIONS route: the middleware of the path's route runs (so `cors`
 * answers preflights), then 204 with `Allow`.
 */
async function options_(app: CompiledApp, gctx: GlobalContext, incoming: IncomingRequest, path: string, search: string, requestId: string, allow: string[], baseLog: Logger): Promise<OutgoingResponse & { routeKey?: string }> {
  const target = app.match(allow[0]!, path);
  const headers: Record<string, string | string[]> = { allow: [...allow, 'OPTIONS'].join(', ') };
  if (!target || !('route' in target)) return { status: 204, headers, body: undefined };
  const compiled = app.routes[target.route]!;
  const lctx = localContext(requestId, baseLog);
  const req = { method: 'OPTIONS', path, ip: incoming.ip, params: target.params, query: parseQuery(search), headers: incoming.headers, body: undefined };
  const res = newRes(compiled);
  res.status = 204;
  try {
    await runChain({ ...compiled, handler: async () => undefined }, req, res, gctx, lctx);
  } catch (error) {
    return errorResponse(error, lctx.log, compiled);
  }
  return { ...bodyResponse(res.status, { ...headers, ...res.headers }, res.body), routeKey: `OPTIONS ${compiled.path}` };
}

/** The JSON body, or the 413/415/400 answer. */
async function readJson(incoming: IncomingRequest, limit: number): Promise<{ value: unknown } | { response: OutgoingResponse }> {
  let raw: Buffer;
  try {
    raw = await incoming.readBody(limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { response: problemResponse(problem(413, `the body is larger than ${limit} bytes`)) };
    throw error;
  }
  const decoded = decodeJsonBody(raw, headerValue(incoming.headers['content-type']));
  return 'problem' in decoded ? { response: problemResponse(decoded.problem) } : decoded;
}

/**
 * Request ids made here are a random per-process prefix and a counter: unique, unguessable across
 * processes, and far cheaper per request than a UUID.
 */
const ID_PREFIX = randomUUID().slice(0, 8);
let idCounter = 0;
function nextRequestId(): string {
  return `${ID_PREFIX}-${(++idCounter).toString(36)}`;
}

/** `lctx`, with its request-bound logger made on first use (most requests never log). */
class RequestContext implements LocalContext {
  readonly startedAt = Date.now();
  readonly state: Record<string, unknown> = {};
  private bound: Logger | undefined;

  constructor(readonly requestId: string, private readonly baseLog: Logger, readonly version: string) {}

  get log(): Logger {
    return (this.bound ??= this.baseLog.child({ reqId: this.requestId }));
  }
}

function localContext(requestId: string, log: Logger, version = ''): LocalContext {
  return new RequestContext(requestId, log, version);
}

function validateUrlParts(req: { params: unknown; query: unknown; headers: unknown }, v: RouteValidators): Problem | undefined {
  for (const part of ['params', 'query', 'headers'] as const) {
    const validate = v[part];
    if (!validate) continue;
    const Part = part === 'params' ? 'Params' : part === 'query' ? 'Query' : 'Headers';
    // Headers are the engine's object: coerce a copy so the raw headers stay as received.
    if (part === 'headers') req.headers = { ...(req.headers as object) };
    v[`coerce${Part}`]?.(req[part]);
    if (!validate(req[part])) return validationProblem(part, validate);
    const revive = v[`revive${Part}`];
    if (revive) req[part] = revive(req[part]);
  }
  return undefined;
}

function validationProblem(part: string, validate: ValidateFn): Problem {
  const errors = toValidationErrors(part, validate.errors);
  return problem(400, errors.length ? `${errors[0]!.path} ${errors[0]!.message}` : `invalid ${part}`, { errors });
}

interface Res {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
  json(body: unknown): void;
}

function newRes(route: CompiledRoute): Res {
  return {
    status: route.statuses[0] ?? 200,
    headers: {},
    body: undefined,
    json(body: unknown) {
      this.body = body;
    },
  };
}

/** Middleware outermost first, then the handler; a middleware that does not call next ends it. */
async function runChain(route: CompiledRoute, req: unknown, res: Res, gctx: GlobalContext, lctx: LocalContext): Promise<void> {
  const { middleware, handler } = route;
  if (middleware.length === 0) {
    const result = await handler(req, res, gctx, lctx);
    if (res.body === undefined && result !== undefined) res.body = result;
    return;
  }
  const call = async (i: number): Promise<void> => {
    if (i < middleware.length) {
      let called = false;
      await middleware[i]!(req as never, res as never, gctx, lctx, () => {
        if (called) return Promise.reject(new Error('next() called twice'));
        called = true;
        return call(i + 1);
      });
      return;
    }
    const result = await handler(req, res, gctx, lctx);
    if (res.body === undefined && result !== undefined) res.body = result;
  };
  await call(0);
}

function errorResponse(error: unknown, log: Logger, route: CompiledRoute): OutgoingResponse {
  if (error instanceof HttpError) {
    const res = error.body === undefined ? problemResponse(problem(error.status, error.message)) : bodyResponse(error.status, {}, error.body);
    Object.assign(res.headers, error.headers);
    return res;
  }
  log.error({ err: error, route: route.key }, 'handler failed');
  return problemResponse(problem(500, 'the server failed to answer; the error is in its log under this request id'));
}

function checkResponse(route: CompiledRoute, status: number, body: unknown, log: Logger): void {
  const validate = route.validators[`s${status}`];
  if (!route.statuses.includes(status)) {
    if (status < 400) log.error({ route: route.key, status, declared: route.statuses }, `response check: ${route.key} answered ${status}, which its type does not declare`);
    return;
  }
  if (!validate) return;
  const wire = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (!validate(wire)) {
    const [first] = toValidationErrors('response', validate.errors);
    log.error({ route: route.key, status, path: first?.path, problem: first?.message }, `response check: ${route.key} ${status} body does not match its type at ${first?.path}: ${first?.message}`);
  }
}

function bodyResponse(status: number, headers: Record<string, string | string[]>, body: unknown): OutgoingResponse {
  if (body === undefined || status === 204 || status === 304) return { status, headers, body: undefined };
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
  return { status, headers, body: JSON.stringify(body) };
}

function json(status: number, body: unknown): OutgoingResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

export function problemResponse(p: Problem): OutgoingResponse {
  return { status: p.status, headers: { 'content-type': PROBLEM_TYPE }, body: JSON.stringify(p) };
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `a=1&a=2&b=x` → `{ a: ['1', '2'], b: 'x' }`; keys with a prototype meaning are dropped. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!search) return out;
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}
