// The route explorer: a search over keys, the routes in folders by their first path segment, and
// the API version every request pins (from the versions endpoint; '' is the newest).
import { useMemo, useState } from 'preact/hooks';
import type { PlaygroundRoute } from '../../runtime-shim/control/playground/playground-types';
import { Method } from '../components/ui';

export function Explorer(props: { routes: PlaygroundRoute[]; selected?: string; onSelect: (key: string) => void; versions: string[]; version: string; onVersion: (v: string) => void }) {
  const [search, setSearch] = useState('');
  const folders = useMemo(() => {
    const q = search.trim().toLowerCase();
    const groups = new Map<string, PlaygroundRoute[]>();
    for (const route of props.routes) {
      if (q && !route.key.toLowerCase().includes(q)) continue;
      const folder = route.path.split('/').filter(Boolean)[0] ?? '/';
      groups.set(folder, [...(groups.get(folder) ?? []), route]);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [props.routes, search]);
  return (
    <aside class="pg-explorer" data-testid="pg-explorer">
      <input type="search" placeholder="Search routes" aria-label="Search routes" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
      <label class="pg-field">
        API version
        <select aria-label="API version" value={props.version} onChange={(e) => props.onVersion((e.target as HTMLSelectElement).value)}>
          <option value="">newest</option>
          {props.versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      {folders.map(([folder, routes]) => (
        <details key={folder} open>
          <summary>{folder}</summary>
          <ul>
            {routes.map((route) => (
              <li key={route.key}>
                <button class={`pg-route ${route.key === props.selected ? 'active' : ''}`} data-route={route.key} onClick={() => props.onSelect(route.key)}>
                  <Method method={route.method} /> <span class="mono">{route.path}</span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      ))}
      {folders.length === 0 && <p class="muted small">No route matches.</p>}
    </aside>
  );
}
