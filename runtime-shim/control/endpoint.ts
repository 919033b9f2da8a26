// The shape of one control-panel API endpoint (`/_control/api/<path>`): the panel (panel.ts) matches
// the path, checks the session (outside `gati dev`) and the CSRF header of state-changing calls, then
// calls the handler. Each area of the API (telemetry, app data) exports its own list of endpoints;
// api/index.ts joins them.
import type { CompiledApp } from '../server/app.js';
import type { Logger } from '../types.js';
import type { AuditEntry } from './api-types.js';

export interface ControlCall {
  method: string;
  /** Path parameters of the endpoint's pattern (`traces/:traceId` → { traceId }), decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (prototype-pollution safe), or undefined. */
  body: unknown;
  /** The signed-in user; 'dev' under `gati dev`. */
  user: string;
  ip: string;
  /** An event stream's reconnect: the `Last-Event-ID` header (the id of the last event the client saw). */
  lastEventId?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What an endpoint needs of the running app. */
export interface ControlEnv {
  /** The app being served now (under `gati dev`, the newest good build). */
  app(): CompiledApp;
  mode: 'dev' | 'start';
  log: Logger;
  /** Records an action in the audit log (who, what, when). Every state-changing endpoint calls it. */
  audit(user: string, action: string, detail?: Record<string, unknown>): void;
  /** The newest audit entries, newest first (GET /_control/api/audit). */
  recentAudit(limit: number): Promise<AuditEntry[]>;
}

/** A Server-Sent Events answer: `start` is called once the headers are out; it returns its stop. */
export interface EventStream {
  start(send: (event: { event: string; data: string; id?: string }) => void): () => void;
}

export type ControlResult = { status?: number; json: unknown } | { stream: EventStream };

export interface ControlEndpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to /_control/api/, segments starting with ':' are parameters: `effects/dead/:id/retry`. */
  path: string;
  handler(call: ControlCall, env: ControlEnv): ControlResult | Promise<ControlResult>;
}
