// The JSON of the playground's endpoints (runtime-shim/control/api/playground.ts), shared with the
// page (control-ui/playground/). Kept beside api-types.ts, not in it, so the panel's other areas merge
// without touching each other.

/** A JSON Schema (2020-12) as the build writes it under dist/schemas/. */
export type JsonSchemaDoc = Record<string, unknown>;

/** One route as the playground's explorer and request editor need it. */
export interface PlaygroundRoute {
  /** `POST /payments/:id/capture`: what a flow step's `route` holds. */
  key: string;
  method: string;
  path: string;
  kind: 'http' | 'ws';
  /** The input parts the route declares (absent: none). */
  input: { params?: JsonSchemaDoc; query?: JsonSchemaDoc; headers?: JsonSchemaDoc; body?: JsonSchemaDoc };
  /** Status → body schema; null for a status without a body. */
  responses: Record<string, JsonSchemaDoc | null>;
  /** A WebSocket route's messages: `in` from clients, `out` from the server. */
  messages?: { in: JsonSchemaDoc; out: JsonSchemaDoc };
}

/** GET /_control/api/playground/routes */
export interface PlaygroundRoutes {
  app: string;
  routes: PlaygroundRoute[];
}

/** One saved flow: `playground/<name>.flow.json`. */
export interface PlaygroundFlowFile {
  name: string;
  /** The app-relative file. */
  file: string;
  text: string;
}

/** GET /_control/api/playground/flows */
export interface PlaygroundFlows {
  flows: PlaygroundFlowFile[];
}

/** POST /_control/api/playground/flows: the flow's name and its text (serializeFlow's). */
export interface SaveFlowRequest {
  name: string;
  text: string;
}
