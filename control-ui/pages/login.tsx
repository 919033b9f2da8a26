// Sign in: a passkey (WebAuthn), or the user name and a TOTP code. Back to `?next=` after it.
import { useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { loadSession, postJson } from '../api';
import { useAuthAction } from '../use-auth-action';
import { AUTH_PATHS, BASE } from '../api-paths';
import type { PageProps } from './page';

function nextPage(query: URLSearchParams): string {
  const next = query.get('next') ?? '';
  // Only a page of the panel: never an open redirect.
  return next.startsWith(`${BASE}/`) && !next.startsWith('//') && !next.startsWith(`${BASE}/login`) ? next : `${BASE}/`;
}

export function LoginPage({ where, session }: PageProps) {
  const [user, setUser] = useState('');
  const [code, setCode] = useState('');
  const { busy, error, run } = useAuthAction();
  const done = async () => {
    await loadSession();
    location.assign(nextPage(where.query));
  };
  const passkey = () =>
    run(async () => {
      const optionsJSON = await postJson<Parameters<typeof startAuthentication>[0]['optionsJSON']>(AUTH_PATHS.passkeyLoginOptions);
      const response = await startAuthentication({ optionsJSON });
      await postJson(AUTH_PATHS.passkeyLoginVerify, { response });
      await done();
    });
  const totp = (event: Event) => {
    event.preventDefault();
    run(async () => {
      await postJson(AUTH_PATHS.totpLogin, { user: user.trim(), code: code.trim() });
      await done();
    });
  };
  const methods = session?.methods ?? { passkey: true, totp: true };
  return (
    <div class="auth-card">
      <h1>
        <span class="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Gati control panel
      </h1>
      {session?.mode === 'dev' ? (
        <p class="notice">
          Open without login: gati dev on loopback. <a href={`${BASE}/`}>Open the panel</a>
        </p>
      ) : session?.authenticated ? (
        <p class="notice ok">
          Signed in as {session.user}. <a href={nextPage(where.query)}>Continue</a>
        </p>
      ) : null}
      {error && (
        <div class="notice error" role="alert">
          {error}
        </div>
      )}
      {methods.passkey && (
        <button class="primary wide" onClick={passkey} disabled={busy}>
          Sign in with a passkey
        </button>
      )}
      {methods.passkey && methods.totp && <div class="or">or</div>}
      {methods.totp && (
        <form class="stack" onSubmit={totp}>
          <label>
            User
            <input name="user" autoComplete="username" required value={user} onInput={(e) => setUser(e.currentTarget.value)} />
          </label>
          <label>
            Code from your authenticator app
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Sign in with a code
          </button>
        </form>
      )}
      <p class="muted small">No account? An operator runs `gati control enroll --user &lt;name&gt;` and sends you the link.</p>
    </div>
  );
}
