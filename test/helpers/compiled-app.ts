// A CompiledApp for pipeline tests without a build: the given routes, matched by exact path (HEAD
// by GET routes, 405 with the path's methods), no modules or effects.
import type { CompiledApp, CompiledRoute } from '../../runtime-shim/server/app.js';

export function compiledApp(routes: CompiledRoute[], extra: Partial<CompiledApp> = {}): CompiledApp {
  return {
    name: 't',
    root: '/nowhere',
    config: {},
    routes,
    match(method, path) {
      const i = routes.findIndex((r) => r.path === path && (r.method === method || (method === 'HEAD' && r.method === 'GET')));
      if (i !== -1) return { route: i, params: {} };
      const allow = routes.filter((r) => r.path === path).map((r) => r.method);
      return allow.length ? { allow } : null;
    },
    modules: {},
    effects: [],
    ...extra,
  };
}
