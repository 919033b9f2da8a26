// The playground's entry in the panel's main bundle: the page itself (the engine, QuickJS's loader,
// the schema tools) is a separate chunk loaded when the page opens, and the sandbox's .wasm only
// when a script or request first runs. The other pages never pay for either.
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../pages/page';

type Page = (props: PageProps) => preact.ComponentChildren;

export function PlaygroundPage(props: PageProps) {
  const [page, setPage] = useState<{ component: Page } | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    import('./playground-page').then((m) => setPage({ component: m.Playground }), (e: unknown) => setError(String(e)));
  }, []);
  if (error) return <div class="notice error" role="alert">The playground could not load: {error}</div>;
  if (!page) return <div class="muted loading">Loading the playground…</div>;
  return <page.component {...props} />;
}
