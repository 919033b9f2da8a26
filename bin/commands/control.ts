// gati control enroll [dir] --user <name> [--base-url <url>] · gati control users [dir] ·
// gati control revoke <user> [dir]: the control panel's people, in the state store the app's
// config picks (.gati/control.db, or Redis), without starting the app.
import { resolve } from 'node:path';
import { discoverApp } from '../../compiler/discover/discover.js';
import { loadConfig } from '../../compiler/config/load-config.js';
import { DiagnosticBag } from '../../compiler/diagnostics/diagnostic.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';
import { USER_NAME } from '../../runtime-shim/control/store/control-store.js';

export async function controlCommand(args: string[], options: { user?: string; baseUrl?: string }, term: Terminal, json: boolean): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'enroll' && sub !== 'users' && sub !== 'revoke') {
    term.error("gati: 'gati control' takes enroll, users or revoke (gati control enroll [dir] --user <name>)");
    return 2;
  }
  if (sub === 'enroll' && !(options.user && USER_NAME.test(options.user))) {
    term.error("gati: 'gati control enroll' needs --user <name> (letters, digits, . _ @ -, up to 64)");
    return 2;
  }
  if (sub === 'revoke' && !rest[0]) {
    term.error("gati: 'gati control revoke' needs a user name (see 'gati control users')");
    return 2;
  }
  const root = resolve((sub === 'revoke' ? rest[1] : rest[0]) ?? '.');
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(root, discoverApp(root).configFiles, bag);
  if (bag.hasErrors && reportDiagnostics(bag.sorted().filter((d) => d.severity === 'error'), term, json)) return 1;
  const { controlStoreTarget, openControlStore } = await import('../../runtime-shim/control/store/open-store.js');
  let store;
  try {
    store = await openControlStore(controlStoreTarget(config, root));
  } catch (error) {
    term.error(`gati control: the state store could not be opened: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (sub === 'enroll') {
      const { newSecret } = await import('../../runtime-shim/control/auth/sessions.js');
      const token = newSecret();
      const record = await store.createEnrollment(token, options.user!);
      await store.audit({ at: Date.now(), user: options.user!, action: 'enroll.link', detail: { by: 'cli' } });
      const base = (options.baseUrl ?? `http://localhost:${config.server?.port ?? CONFIG_DEFAULTS.server.port}`).replace(/\/+$/, '');
      const link = `${base}/_control/enroll#${token}`;
      if (json) term.data(JSON.stringify({ user: options.user, link, expiresAt: new Date(record.expiresAt).toISOString() }));
      else {
        term.info(`Enrollment link for ${options.user} (one use, valid 15 minutes):`);
        term.data(link);
      }
      return 0;
    }
    if (sub === 'users') {
      const users = await store.users();
      if (json) term.data(JSON.stringify(users));
      else if (users.length === 0) term.info('no users yet (gati control enroll [dir] --user <name>)');
      else for (const u of users) term.data(`${u.name}  passkeys: ${u.passkeys}  totp: ${u.totp ? 'yes' : 'no'}  sessions: ${u.sessions}  since ${new Date(u.createdAt).toISOString()}`);
      return 0;
    }
    const user = rest[0]!;
    const sessions = (await store.users()).find((u) => u.name === user)?.sessions ?? 0;
    if (!(await store.removeUser(user))) {
      term.error(`gati control: no user '${user}' (see 'gati control users')`);
      return 1;
    }
    await store.audit({ at: Date.now(), user, action: 'revoke', detail: { by: 'cli', sessions } });
    term.info(`removed ${user}: their credentials, and ${sessions} session${sessions === 1 ? '' : 's'} ended`);
    return 0;
  } finally {
    await store.close();
  }
}
