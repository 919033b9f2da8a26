// Checks a loaded config against CONFIG_SCHEMA and reports every problem with the key's path.
import { Ajv } from 'ajv';
import { closest } from '../closest-name.js';
import type { ErrorObject } from 'ajv';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { CONFIG_SCHEMA } from './config-schema.js';
import { checkDeployConfig } from './check-deploy.js';
import { checkControlConfig } from './check-control.js';
import { checkEffectsConfig } from './check-effects.js';
import { checkModulesConfig } from './check-modules.js';
import { locateKey } from './locate-key.js';
import type { GatiConfig } from '../../runtime-shim/config.js';

let validator: ReturnType<Ajv['compile']> | undefined;

/** `root`: the app's folder, where the module checks look for interface files and local modules. */
export function validateConfig(raw: unknown, file: string, text: string, diagnostics: DiagnosticBag, root?: string): boolean {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(CONFIG_SCHEMA);
  if (validator(raw)) {
    checkEffectsConfig(raw as GatiConfig, file, text, diagnostics);
    checkControlConfig(raw as GatiConfig, file, text, diagnostics);
    const before = diagnostics.items.length;
    checkModulesConfig(raw as GatiConfig, file, text, root, diagnostics);
    if (diagnostics.items.slice(before).some((d) => d.severity === 'error')) return false;
    return checkDeployConfig(raw as GatiConfig, file, text, diagnostics);
  }
  for (const error of collapse(validator.errors ?? [])) {
    const at = error.instancePath.slice(1).replace(/\//g, '.');
    const key = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : at.split('.').pop() ?? '';
    const span = locateKey(text, file, key);
    if (error.keyword === 'additionalProperties') {
      const full = at ? `${at}.${key}` : key;
      const known = knownKeys(error.schemaPath);
      const near = closest(key, known);
      diagnostics.report('GATI4001', `unknown config key '${full}'${near ? ` (did you mean '${at ? `${at}.` : ''}${near}'?)` : ''}`, {
        span,
        hint: known.length ? `Known keys${at ? ` of '${at}'` : ''}: ${known.join(', ')}.` : undefined,
      });
    } else {
      const value = valueAt(raw, error.instancePath);
      if (/^\/deploy\/[^/]+\/secrets\/[^/]+$/.test(error.instancePath) && typeof value === 'string') {
        // Never echo what may be a real secret.
        diagnostics.report('GATI4002', `config key '${at}' must reference a Secret key ({ secret, key }), not hold a value`, {
          span,
          hint: "Store the value in a Kubernetes Secret (kubectl create secret generic <name> --from-literal=<key>=…) and write `{ secret: '<name>', key: '<key>' }` here; remove the value from the config and its history.",
        });
        continue;
      }
      diagnostics.report('GATI4002', `config key '${at || '(root)'}' ${describeError(error)}, got ${JSON.stringify(value)}`, { span });
    }
  }
  return false;
}

/** One message per failing key: `anyOf` branches explain themselves poorly, keep the summary. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  return errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'additionalProperties' || !anyOfPaths.has(e.instancePath));
}

function describeError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': return `must be ${p.type === 'integer' || p.type === 'object' || p.type === 'array' ? `an ${String(p.type)}` : `a ${String(p.type)}`}`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf': return 'has the wrong type or format';
    default: return error.message ?? 'is invalid';
  }
}

function knownKeys(schemaPath: string): string[] {
  let node: unknown = CONFIG_SCHEMA;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) node = (node as Record<string, unknown>)?.[part];
  const props = (node as { properties?: Record<string, unknown> })?.properties;
  return props ? Object.keys(props) : [];
}

function valueAt(raw: unknown, pointer: string): unknown {
  let node = raw;
  for (const part of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)?.[part];
  return node;
}
