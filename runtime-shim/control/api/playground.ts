// The playground's endpoints (docs/playground.md, "In the control panel"): the routes with their
// JSON Schemas for the request editor, and the app's saved flows (playground/<name>.flow.json):
// listed, read, and written (validated, audited).
import type { ControlEndpoint, ControlResult } from '../endpoint.js';
import type { PlaygroundFlows, PlaygroundRoutes } from '../playground/playground-types.js';
import { playgroundRoutes } from '../playground/route-schemas.js';
import { flowTextProblems, listFlows, readFlow, validName, writeFlow } from '../playground/flow-store.js';

const problem = (status: number, title: string, detail: string, errors?: string[]): ControlResult => ({
  status,
  json: { type: 'about:blank', title, status, detail, ...(errors ? { errors: errors.map((message) => ({ path: message.startsWith('/') ? message.split(':')[0]! : '', message })) } : {}) },
});

export const PLAYGROUND_ENDPOINTS: ControlEndpoint[] = [
  {
    method: 'GET',
    path: 'playground/routes',
    handler: (_call, env) => {
      const app = env.app();
      return { json: { app: app.name, routes: playgroundRoutes(app) } satisfies PlaygroundRoutes };
    },
  },
  { method: 'GET', path: 'playground/flows', handler: (_call, env) => ({ json: { flows: listFlows(env.app().root) } satisfies PlaygroundFlows }) },
  {
    method: 'GET',
    path: 'playground/flows/:name',
    handler: (call, env) => {
      const flow = readFlow(env.app().root, call.params.name!);
      return flow ? { json: flow } : problem(404, 'Not Found', `no flow playground/${call.params.name}.flow.json`);
    },
  },
  {
    method: 'POST',
    path: 'playground/flows',
    handler: (call, env) => {
      const body = (call.body && typeof call.body === 'object' ? call.body : {}) as { name?: unknown; text?: unknown };
      if (!validName(body.name)) return problem(400, 'Bad Request', 'name: letters, digits, "-" and "_" (at most 64), e.g. "checkout"');
      if (typeof body.text !== 'string') return problem(400, 'Bad Request', 'text: the flow file\'s text');
      const app = env.app();
      const problems = flowTextProblems(body.text, new Set(app.routes.map((r) => r.key)));
      if (problems.length) return problem(422, 'Unprocessable Content', `playground/${body.name}.flow.json is not a valid flow: ${problems.join('; ')}`, problems);
      const saved = writeFlow(app.root, body.name, body.text);
      env.audit(call.user, 'playground.flow.save', { name: body.name });
      return { json: saved };
    },
  },
];
