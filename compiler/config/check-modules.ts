// `modules.<name>` beyond the schema: exactly one source kind (npm, http, container), an interface
// file that exists, a valid http URL, a container with an image, and no name that a file of
// src/modules already takes. Whether the interface declares functions is the analyzer's to say
// (GATI4032, compiler/analyze/module-interface.ts): it reads the file as TypeScript.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GatiConfig, ModuleSourceConfig } from '../../runtime-shim/config.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { locateKey } from './locate-key.js';

export const MODULE_SOURCE_KINDS = ['npm', 'http', 'container'] as const;
const OTHER_KEYS = new Set(['interface', 'dev', 'timeoutMs']);
const LOCAL_EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs'];

export function checkModulesConfig(config: GatiConfig, file: string, text: string, root: string | undefined, diagnostics: DiagnosticBag): void {
  for (const [name, source] of Object.entries(config.modules ?? {})) {
    const at = (key: string) => locateKey(text, file, key);
    const kinds = Object.keys(source).filter((k) => !OTHER_KEYS.has(k));
    const unknown = kinds.filter((k) => !(MODULE_SOURCE_KINDS as readonly string[]).includes(k));
    const known = kinds.filter((k) => (MODULE_SOURCE_KINDS as readonly string[]).includes(k));
    if (unknown.length || known.length !== 1) {
      const what = unknown.length ? `has the unknown source kind '${unknown[0]}'` : known.length ? `has ${known.length} sources (${known.join(', ')})` : 'has no source';
      diagnostics.report('GATI4030', `module '${name}' ${what}: a config module comes from exactly one of npm, http or container`, { span: at(unknown[0] ?? known[1] ?? name) });
      continue;
    }
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) {
      diagnostics.report('GATI4030', `module name '${name}' is not a JavaScript identifier, so \`gctx.modules.${name}\` cannot be written`, { span: at(name), hint: "Name the module with letters, digits and '_' (GATI_MODULE_<NAME>_URL upper-cases it)." });
      continue;
    }
    checkSource(name, source, at, diagnostics);
    if (source.interface !== undefined && root !== undefined && !existsSync(join(root, source.interface))) {
      diagnostics.report('GATI4031', `the interface file '${source.interface}' of module '${name}' does not exist`, { span: at('interface') });
    }
    const local = root === undefined ? undefined : LOCAL_EXTENSIONS.map((ext) => `src/modules/${name}${ext}`).find((f) => existsSync(join(root, f)));
    if (local) diagnostics.report('GATI4033', `module '${name}' is declared in the config and is also the file ${local}`, { span: at(name) });
  }
}

function checkSource(name: string, source: ModuleSourceConfig, at: (key: string) => ReturnType<typeof locateKey>, diagnostics: DiagnosticBag): void {
  if (source.http !== undefined && !isHttpUrl(source.http)) {
    diagnostics.report('GATI4034', `module '${name}': 'http' must be an http:// or https:// URL, got ${JSON.stringify(source.http)}`, { span: at('http') });
  }
  const container = source.container as Record<string, unknown> | undefined;
  if (container !== undefined) {
    const image = container.image;
    const port = container.port;
    const extra = Object.keys(container).filter((k) => k !== 'image' && k !== 'port');
    if (typeof image !== 'string' || image === '' || (port !== undefined && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) || extra.length) {
      const why = typeof image !== 'string' || image === '' ? 'has no image' : extra.length ? `has the unknown key '${extra[0]}'` : `has an invalid port ${JSON.stringify(port)}`;
      diagnostics.report('GATI4035', `module '${name}': 'container' ${why}`, { span: at('container') });
    }
  }
  if (source.dev !== undefined && source.container === undefined) {
    diagnostics.report('GATI4035', `module '${name}': 'dev.command' runs a container module locally; '${name}' is not one`, { span: at('dev'), hint: "Move the module to `container: { image, port }`, or remove 'dev'." });
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
