// (Plain JavaScript: bundled for the browser by the test, not compiled with the TypeScript sources.)
// A stand-in for the panel's login and enroll pages (until the UI's own pages are merged): what
// their scripts do, as window.gatiAuth functions a Chromium test calls. Bundled with esbuild (with
// @simplewebauthn/browser) into an app's dist/control-ui/assets/, so it is served by the panel
// itself, under its CSP.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

async function call(path, body, csrf) {
  const res = await fetch(`/_control/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(csrf ? { 'x-gati-control-csrf': csrf } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const token = () => location.hash.slice(1);

window.gatiAuth = {
  async enrollPasskey() {
    const options = await call('enroll/passkey/options', { token: token() });
    const response = await startRegistration({ optionsJSON: options.body });
    return call('enroll/passkey/verify', { token: token(), response });
  },
  async loginPasskey() {
    const options = await call('login/passkey/options', {});
    const response = await startAuthentication({ optionsJSON: options.body });
    return call('login/passkey/verify', { response });
  },
  async startTotp() {
    const started = await call('enroll/totp/start', { token: token() });
    // The QR code as the UI shows it: an <img> of a data: URL (the CSP allows data: images).
    const img = document.createElement('img');
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(started.body.qrSvg)}`;
    await new Promise((resolve, reject) => ((img.onload = resolve), (img.onerror = reject), document.body.append(img)));
    return { ...started.body, qrWidth: img.naturalWidth };
  },
  confirmTotp: (code) => call('enroll/totp/confirm', { token: token(), code }),
  loginTotp: (user, code) => call('login/totp', { user, code }),
  async logout() {
    const session = await (await fetch('/_control/auth/session')).json();
    return call('logout', {}, session.csrf);
  },
  async whoami() {
    const res = await fetch('/_control/api/ping');
    return { status: res.status, body: await res.json() };
  },
};
