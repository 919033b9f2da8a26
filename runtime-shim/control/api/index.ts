// Every endpoint under /_control/api/, from each area of the panel's data.
import type { ControlEndpoint } from '../endpoint.js';
import { TELEMETRY_ENDPOINTS } from './telemetry.js';
import { APP_DATA_ENDPOINTS } from './app-data.js';
import { AUDIT_ENDPOINTS } from './audit.js';
import { MODULE_ENDPOINTS } from './modules.js';
import { PLAYGROUND_ENDPOINTS } from './playground.js';

export const CONTROL_ENDPOINTS: ControlEndpoint[] = [
  // The smallest answer: that the panel is mounted and who is asking.
  { method: 'GET', path: 'ping', handler: (call, env) => ({ json: { ok: true, app: env.app().name, user: call.user } }) },
  ...TELEMETRY_ENDPOINTS,
  ...APP_DATA_ENDPOINTS,
  ...AUDIT_ENDPOINTS,
  ...MODULE_ENDPOINTS,
  ...PLAYGROUND_ENDPOINTS,
];
