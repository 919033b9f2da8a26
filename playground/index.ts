// The playground engine, for the CLI and the control panel's page alike (no Node built-ins here:
// it is bundled for the browser; what needs the disk lives in playground/node/).
export * from './sandbox/script-api.js';
export { loadSandbox, runScript, type Sandbox } from './sandbox/run-script.js';
export type { QuickJSOptions } from './sandbox/quickjs.js';
export * from './flow/flow.js';
export * from './flow/flow-result.js';
export { parseFlow, validateFlow, formatProblem, type FlowProblem, type FlowRead } from './flow/validate-flow.js';
export { serializeFlow } from './flow/serialize-flow.js';
export { interpolateJson, interpolateText, MissingVariable } from './flow/interpolate.js';
export { parseRouteKey, fillPath, type RouteKey } from './flow/route-key.js';
export { buildRequest } from './flow/build-request.js';
export { runFlow, type RunFlowOptions } from './flow/run-flow.js';
export { exportFlow, type ExportOptions } from './flow/export-flow.js';
