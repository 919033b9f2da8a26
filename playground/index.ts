// The playground engine, for the CLI and the control panel's page alike (no Node built-ins here:
// it is bundled for the browser; what needs the disk lives in playground/node/).
export * from './sandbox/script-api.js';
export { loadSandbox, runScript, type Sandbox } from './sandbox/run-script.js';
export type { QuickJSOptions } from './sandbox/quickjs.js';
