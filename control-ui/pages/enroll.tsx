// Enrollment (/_control/enroll#<token>, from `gati control enroll`): register a passkey and/or a TOTP
// secret (scan the QR code, confirm with one code). The token stays in the fragment: never sent in a
// URL the server logs, only in the JSON bodies of the calls below.
import { useEffect, useState } from 'preact/hooks';
import { startRegistration } from '@simplewebauthn/browser';
import type { EnrollInfo, TotpEnrollment } from '../../runtime-shim/control/api-types';
import { ApiError, loadSession, postJson } from '../api';
import { AUTH_PATHS, BASE } from '../api-paths';
import { failure, useAuthAction } from '../use-auth-action';


export function EnrollPage() {
  const [token, setToken] = useState(location.hash.slice(1));
  const [info, setInfo] = useState<EnrollInfo | undefined>();
  const { busy, error, setError, run } = useAuthAction();
  const [done, setDone] = useState<string[]>([]);
  const [totp, setTotp] = useState<TotpEnrollment | undefined>();
  const [code, setCode] = useState('');

  // With the link's token; without one, a signed-in user adds a credential to their own user.
  const who = () => (token ? { token } : {});
  useEffect(() => {
    const noToken = 'This link has no token: use the whole link `gati control enroll` printed.';
    const load = async () => {
      if (!token) {
        // Adding a credential needs a session of one's own (`gati dev` has none).
        const session = await loadSession();
        if (session.mode === 'dev' || !session.authenticated) return setError(noToken);
      }
      setInfo(await postJson<EnrollInfo>(AUTH_PATHS.enrollInfo, who()));
    };
    load().catch((e: unknown) => setError(!token && e instanceof ApiError && e.status === 401 ? noToken : `This link cannot be used (${failure(e)}): ask for a new one.`));
  }, []);
  /** The first credential uses the link up and signs the user in: the next ones go through that session. */
  const registered = async (what: string) => {
    setDone((d) => [...d, what]);
    setToken('');
    await loadSession();
  };

  const passkey = () =>
    run(async () => {
      const optionsJSON = await postJson<Parameters<typeof startRegistration>[0]['optionsJSON']>(AUTH_PATHS.enrollPasskeyOptions, who());
      const response = await startRegistration({ optionsJSON });
      await postJson(AUTH_PATHS.enrollPasskeyVerify, { ...who(), response });
      await registered('a passkey');
    });
  const startTotp = () => run(async () => setTotp(await postJson<TotpEnrollment>(AUTH_PATHS.enrollTotpStart, who())));
  const confirmTotp = (event: Event) => {
    event.preventDefault();
    run(async () => {
      await postJson(AUTH_PATHS.enrollTotpConfirm, { ...who(), code: code.trim() });
      setTotp(undefined);
      await registered('an authenticator app');
    });
  };
  return (
    <div class="auth-card">
      <h1>
        <span class="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Set up your sign-in
      </h1>
      {info && (
        <p>
          For <strong>{info.user}</strong>. Register a passkey, an authenticator app, or both.
          {info.expiresAt !== null && <span class="muted"> The link works until {new Date(info.expiresAt).toLocaleTimeString([], { hour12: false })}.</span>}
        </p>
      )}
      {error && (
        <div class="notice error" role="alert">
          {error}
        </div>
      )}
      {done.length > 0 && (
        <div class="notice ok" role="status">
          Registered {done.join(' and ')}; you are signed in. <a href={`${BASE}/`}>Open the panel</a>
        </div>
      )}
      {info && (
        <>
          <button class="primary wide" onClick={passkey} disabled={busy || done.includes('a passkey')}>
            Register a passkey
          </button>
          <div class="or">or</div>
          {!totp ? (
            <button class="wide" onClick={startTotp} disabled={busy || done.includes('an authenticator app')}>
              Use an authenticator app (TOTP)
            </button>
          ) : (
            <form class="stack" onSubmit={confirmTotp}>
              <p>Scan this code with your authenticator app, then type the code it shows.</p>
              <img class="qr" alt="QR code of the TOTP secret" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(totp.qrSvg)}`} />
              <p class="muted small">
                Or enter the secret by hand: <code>{totp.secret}</code>
              </p>
              <label>
                Code
                <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
              </label>
              <button type="submit" class="primary" disabled={busy}>
                Confirm
              </button>
            </form>
          )}
        </>
      )}
    </div>
  );
}
