// Rules over the whole route table: one handler per method and path, and one parameter name per
// position in the tree (the router matches `/users/:id` and `/users/:userId/posts` through one node).
import type { RouteModel } from '../../model/app-model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { locate, type SourceText } from '../diagnostics/location.js';

export function checkRouteTable(routes: RouteModel[], diagnostics: DiagnosticBag, sourceText: SourceText): void {
  const at = (route: RouteModel) => locate(route.span, sourceText(route.span.file));
  const byKey = new Map<string, RouteModel>();
  for (const route of routes) {
    const first = byKey.get(route.key);
    if (first) {
      diagnostics.report('GATI2004', `${route.key} is answered by both ${first.file} and ${route.file}`, {
        span: at(route),
        notes: [{ message: `first defined here (${first.routeSource === 'file' ? 'from its file path' : 'by its `route` export'})`, span: at(first) }],
      });
    } else byKey.set(route.key, route);
  }
  // position prefix (literal segments, ':' for any param) → the first route that named the param there
  const paramAt = new Map<string, { name: string; route: RouteModel }>();
  for (const route of routes) {
    const segments = route.path === '/' ? [] : route.path.slice(1).split('/');
    let prefix = '';
    for (const segment of segments) {
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        const seen = paramAt.get(prefix);
        if (!seen) paramAt.set(prefix, { name, route });
        else if (seen.name !== name) {
          diagnostics.report('GATI2005', `${route.key} names the parameter ':${name}' where ${seen.route.key} names it ':${seen.name}'`, {
            span: at(route),
            notes: [{ message: `':${seen.name}' is declared here`, span: at(seen.route) }],
            hint: `Use one name at this position in both routes, e.g. ':${seen.name}'.`,
          });
          break;
        }
        prefix += '/:';
      } else prefix += `/${segment}`;
    }
  }
}
