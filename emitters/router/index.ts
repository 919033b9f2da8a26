// Interim route matcher (a RegExp per route), replaced by the compiled radix tree emitter.
export function emitRouter(routes: { method: string; path: string }[]): string {
  const table = routes.map((r) => {
    const names: string[] = [];
    const source = r.path === '/' ? '' : r.path.slice(1).split('/').map((s) => {
      if (s === '*') { names.push('*'); return '(?:/(.*))?'; }
      if (s.startsWith(':')) { names.push(s.slice(1)); return '/([^/]+)'; }
      return '/' + s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }).join('');
    return `[${JSON.stringify(r.method)}, /^${source.replace(/\//g, '\\/')}\\/?$/, ${JSON.stringify(names)}]`;
  });
  return `const T = [${table.join(', ')}];
export function match(method, path) {
  const allow = [];
  for (let i = 0; i < T.length; i++) {
    const [m, re, names] = T[i];
    const hit = re.exec(path);
    if (!hit) continue;
    if (m !== method && !(method === 'HEAD' && m === 'GET')) { allow.push(m); continue; }
    const params = {};
    try { names.forEach((n, j) => { params[n] = decodeURIComponent(hit[j + 1] ?? ''); }); } catch { return { badEncoding: true }; }
    return { route: i, params };
  }
  return allow.length ? { allow: [...new Set(allow.flatMap((m) => m === 'GET' ? ['GET', 'HEAD'] : [m]))] } : null;
}
`;
}
