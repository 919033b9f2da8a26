// `control` beyond the schema: each `trustedProxies` entry must be an IP address or a CIDR range
// (GATI4002). A typo there would silently trust nobody (the panel's cookie then loses `Secure`
// behind the proxy) or, worse, be read as something else: better refused at build time.
import type { GatiConfig } from '../../runtime-shim/config.js';
import { parseProxyEntry } from '../../runtime-shim/control/auth/trusted-proxies.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { locateKey } from './locate-key.js';

export function checkControlConfig(config: GatiConfig, file: string, text: string, diagnostics: DiagnosticBag): void {
  const proxies = config.control?.trustedProxies ?? [];
  proxies.forEach((entry, i) => {
    if (parseProxyEntry(entry) !== undefined) return;
    diagnostics.report('GATI4002', `config key 'control.trustedProxies[${i}]' must be an IP address or a CIDR range, got ${JSON.stringify(entry)}`, {
      span: locateKey(text, file, 'trustedProxies'),
      hint: "Write the proxy's address ('10.0.0.2', 'fd00::2') or its network ('10.0.0.0/8', 'fd00::/8').",
    });
  });
}
