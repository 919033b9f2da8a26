// The panel's shell: the session check, the navigation, the dev banner, keyboard shortcuts, and the
// page for the current path.
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '../runtime-shim/control/api-types';
import { ApiError, loadSession, loginUrl, onSession, postJson } from './api';
import { AUTH_PATHS, BASE } from './api-paths';
import { href, navigate, onLinkClick, useLocation } from './router';
import { PAGES, pageFor } from './pages/index';

export function App() {
  const where = useLocation();
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [sessionError, setSessionError] = useState<string | undefined>();
  const page = pageFor(where.path);

  useEffect(() => {
    const stop = onSession(setSession);
    loadSession().catch((error: unknown) => setSessionError(error instanceof ApiError ? error.message : String(error)));
    return stop;
  }, []);

  useEffect(() => {
    document.title = `${page.title} · Gati control panel`;
  }, [page.title]);

  useEffect(() => {
    if (session && session.mode === 'login' && !session.authenticated && !page.public) location.assign(loginUrl());
  }, [session, page]);

  useShortcuts();

  if (page.public) {
    return (
      <div class="public" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
        <page.component where={where} session={session} />
      </div>
    );
  }
  if (!session && !sessionError) return <p class="boot">Loading the control panel…</p>;
  return (
    <div class="shell" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Nav current={page.path} session={session} />
      <div class="main-col">
        {session?.mode === 'dev' && (
          <div class="banner" role="status">
            Open without login: gati dev on loopback
          </div>
        )}
        {sessionError && (
          <div class="banner error" role="alert">
            Could not read the session ({sessionError}).
          </div>
        )}
        <main id="main" tabIndex={-1}>
          <page.component where={where} session={session} />
        </main>
      </div>
    </div>
  );
}

function Nav(props: { current: string; session: SessionInfo | undefined }) {
  const logout = () => {
    postJson(AUTH_PATHS.logout).finally(() => location.assign(`${BASE}/login`));
  };
  return (
    <nav class="nav" aria-label="Pages">
      <a class="brand" href={href('')}>
        <span class="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Gati
      </a>
      <ul>
        {PAGES.filter((p) => !p.public).map((p) => (
          <li key={p.path}>
            <a href={href(p.path)} aria-current={p.path === props.current ? 'page' : undefined} title={p.key ? `g ${p.key}` : undefined}>
              {p.title}
              {p.key && <kbd>{p.key}</kbd>}
            </a>
          </li>
        ))}
      </ul>
      <div class="nav-foot">
        {props.session?.user && <span class="muted">{props.session.user}</span>}
        {props.session?.mode === 'login' && props.session.authenticated && (
          <button class="link" onClick={logout}>
            Sign out
          </button>
        )}
        <span class="muted small">
          <kbd>g</kbd> + key: go · <kbd>/</kbd>: filter
        </span>
      </div>
    </nav>
  );
}

/** `g` then a page's key goes there; `/` focuses the page's first filter field. */
function useShortcuts() {
  useEffect(() => {
    let pending = 0;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.metaKey || event.ctrlKey || event.altKey || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) || target?.isContentEditable) return;
      if (event.key === '/') {
        const field = document.querySelector<HTMLElement>('main input, main select');
        if (field) {
          event.preventDefault();
          field.focus();
        }
        return;
      }
      if (event.key === 'g') {
        pending = Date.now();
        return;
      }
      if (pending && Date.now() - pending < 1500) {
        pending = 0;
        const page = PAGES.find((p) => p.key === event.key);
        if (page) {
          event.preventDefault();
          navigate(href(page.path));
          document.getElementById('main')?.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
