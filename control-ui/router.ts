// A tiny router on the history API: pages live at /_control/<page>[/<id>][?query]. Links are real
// <a href> (open in a new tab works); a plain click is handled here without a reload.
import { useEffect, useState } from 'preact/hooks';
import { BASE } from './api-paths';

const CHANGE = 'gati:navigate';

export interface Location {
  /** The page path after /_control/, e.g. `traces/abc`; '' for the overview. */
  path: string;
  query: URLSearchParams;
}

function read(): Location {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return { path: rest.replace(/^\/+|\/+$/g, ''), query: new URLSearchParams(location.search) };
}

/** The URL of a page: href('traces', { route: 'GET /x' }). */
export function href(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const search = params.toString();
  return `${BASE}/${path}${search ? `?${search}` : ''}`;
}

export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
  if (!replace) window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return where;
}

/** Handles a click on an in-panel link without a reload (modified clicks keep the browser's behaviour). */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.origin !== location.origin || !anchor.pathname.startsWith(BASE)) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}
