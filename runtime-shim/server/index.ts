// The runtime entry the generated server bundle imports (`gati/runtime`).
export { startServer, prepareApp, type StartOptions, type StartedServer } from './start.js';
export { CONFIG_DEFAULTS } from '../defaults.js';
export { runMain } from './main.js';
export { createLogger } from './log.js';
export { launchOptions } from './serve-flags.js';
export type { CompiledApp, CompiledRoute, MatchResult, RouteValidators } from './app.js';
