// Small building blocks shared by the pages: a titled section, the loading/error/empty states of an
// API answer, badges, stat tiles and the page header.
import type { ComponentChildren } from 'preact';
import type { Loaded } from '../use-api';

export function PageHeader(props: { title: string; sub?: ComponentChildren; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.sub && <p class="sub">{props.sub}</p>}
      </div>
      {props.children && <div class="actions">{props.children}</div>}
    </header>
  );
}

export function Section(props: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`}>
      {(props.title || props.actions) && (
        <div class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="actions">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

/** Renders `render(data)` once loaded; else a quiet loading line, or the error said plainly. */
export function Loading<T>(props: { loaded: Loaded<T>; render: (data: T) => ComponentChildren; what?: string }) {
  const { data, error, loading } = props.loaded;
  if (data !== undefined) return <>{props.render(data)}</>;
  if (error) {
    const missing = error.status === 404 || error.status === 501;
    return (
      <div class={`notice ${missing ? '' : 'error'}`} role={missing ? undefined : 'alert'}>
        {missing ? `This server does not provide ${props.what ?? 'this data'} (${error.message}).` : `Could not load ${props.what ?? 'this page'}: ${error.message}`}
      </div>
    );
  }
  return loading ? <div class="muted loading">Loading…</div> : null;
}

export function Empty(props: { children: ComponentChildren }) {
  return <div class="empty">{props.children}</div>;
}

export function Badge(props: { tone?: 'ok' | 'warn' | 'error' | 'info' | 'muted'; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge ${props.tone ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function StatusBadge(props: { status?: number; error?: boolean }) {
  const status = props.status;
  const tone = props.error || (status !== undefined && status >= 500) ? 'error' : status !== undefined && status >= 400 ? 'warn' : 'ok';
  return <Badge tone={tone}>{status ?? (props.error ? 'error' : 'ok')}</Badge>;
}

export function Stat(props: { label: string; value: ComponentChildren; hint?: ComponentChildren }) {
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.value}</div>
      {props.hint && <div class="stat-hint">{props.hint}</div>}
    </div>
  );
}

export function Method(props: { method?: string }) {
  return props.method ? <span class={`method m-${props.method.toLowerCase()}`}>{props.method}</span> : null;
}

/** `METHOD /path` shown with a coloured method. */
export function RouteKey(props: { route: string }) {
  const space = props.route.indexOf(' ');
  if (space < 0) return <code>{props.route}</code>;
  return (
    <span class="route-key">
      <Method method={props.route.slice(0, space)} />
      <code>{props.route.slice(space + 1)}</code>
    </span>
  );
}
