// The errors every route may answer, as docs/handlers.md "Errors" defines them: one shared
// problem+json schema and one reusable response per status.
import type { RouteModel } from '../../model/app-model.js';
import type { JsonSchema } from '../schema/index.js';

export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An error response (RFC 9457 problem details).',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string', description: 'JSON pointer into the request: /body/amount' }, message: { type: 'string' } },
        required: ['path', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
};

export const PROBLEM_RESPONSES: Record<string, string> = {
  400: 'Invalid request (validation) or unknown API version',
  404: 'No such route',
  405: 'Method not allowed (see the Allow header)',
  413: 'Body over the size limit',
  415: 'Unsupported content type',
  500: 'Internal error (the stack goes to the log, with the request id)',
};

/** The problem statuses a route can answer: 413 and 415 only where it takes a body. */
export function problemStatuses(route: RouteModel): string[] {
  const takesBody = route.input.body !== undefined || (!route.typed && route.method !== 'GET' && route.method !== 'HEAD');
  return Object.keys(PROBLEM_RESPONSES).filter((s) => takesBody || (s !== '413' && s !== '415'));
}
