// The playground's API (runtime-shim/control/api/playground.ts) and where the panel serves the sandbox.
import { BASE } from '../api-paths';

const API = `${BASE}/api/playground`;

export const PLAYGROUND_PATHS = {
  routes: `${API}/routes`,
  flows: `${API}/flows`,
  flow: (name: string) => `${API}/flows/${encodeURIComponent(name)}`,
  versions: `${BASE}/api/versions`,
};

/** The QuickJS WebAssembly file, copied beside the bundle by scripts/build-control-ui.mjs. */
export const SANDBOX_WASM = `${BASE}/assets/quickjs.wasm`;
