// `control.trustedProxies`: addresses (`10.0.0.2`, `fd00::1`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`)
// of the TLS-terminating proxies whose `X-Forwarded-Proto` is believed. In a cluster the ingress
// controller's pods change address, so a range is what users write (as Fastify's `trustProxy` and
// Express's `trust proxy` take). Checked with node:net's BlockList.
import { BlockList, isIP } from 'node:net';

export interface ProxyEntry {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** The CIDR prefix length, or undefined for one address. */
  prefix: number | undefined;
}

/** An entry of the list, or undefined when it is neither an address nor a CIDR range (the build reports it: GATI4002). */
export function parseProxyEntry(text: string): ProxyEntry | undefined {
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).trim();
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (slash === -1) return { address, family, prefix: undefined };
  const prefixText = text.slice(slash + 1).trim();
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, family, prefix };
}

const lists = new WeakMap<readonly string[], BlockList>();

/** Whether `ip` (as the engine reports it: an IPv4 client may come as `::ffff:a.b.c.d`) is one of `trusted`. */
export function isTrustedProxy(ip: string, trusted: readonly string[]): boolean {
  if (trusted.length === 0 || !ip) return false;
  let list = lists.get(trusted);
  if (list === undefined) lists.set(trusted, (list = blockListOf(trusted)));
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const version = isIP(plain);
  return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
}

function blockListOf(trusted: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of trusted) {
    const entry = parseProxyEntry(text);
    // An invalid entry never trusts anyone (the build refused it already; a hand-edited dist stays safe).
    if (entry === undefined) continue;
    if (entry.prefix === undefined) list.addAddress(entry.address, entry.family);
    else list.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return list;
}
