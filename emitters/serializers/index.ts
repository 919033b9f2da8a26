// The serializers emitter: per route, one module (dist/serializers/<method>.<path>.<hash>.mjs, named
// like its schema file, with its content hash) exporting `s<status>(body)` for each declared status with a body, a compiled
// replacement for JSON.stringify(body) (see codegen.ts: byte-identical output for any value). One
// shared helpers module, and an index listing the route modules in the order of the route table.
// Pure: the same model gives the same bytes.
import { createHash } from 'node:crypto';
import type { AppModel, RouteModel } from '../../model/app-model.js';
import type { NamedType } from '../../model/gtype.js';
import { routeSchemaFile } from '../schema/index.js';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { SerializerCode } from './codegen.js';
import { HELPERS_FILE, HELPERS_SOURCE } from './helpers.js';

const DIR = 'dist/serializers';

export function emit(model: AppModel): Artifact[] {
  const modules = model.routes.map((route) => {
    const contents = routeSerializers(route, model.types);
    // The content hash in the name gives an edited module a new URL: `gati dev` imports only what changed.
    const hash = createHash('sha256').update(contents).digest('hex').slice(0, 10);
    return { file: routeSchemaFile(route).replace(/\.json$/, `.${hash}.mjs`), contents };
  });
  return [
    { path: `${DIR}/${HELPERS_FILE}`, contents: HELPERS_SOURCE },
    ...modules.map((m) => ({ path: `${DIR}/${m.file}`, contents: m.contents })),
    { path: `${DIR}/index.mjs`, contents: indexModule(modules.map((m) => m.file)) },
  ];
}

/**
 * A route's module: `export function s200(body)` per declared status whose body is not void, and
 * on a WebSocket route `wsOut(msg)` for its `out` messages.
 */
export function routeSerializers(route: Pick<RouteModel, 'typed' | 'output' | 'ws'>, types: Record<string, NamedType>): string {
  const code = new SerializerCode(types);
  const exports: string[] = [];
  if (route.typed) {
    for (const [status, type] of Object.entries(route.output)) {
      if (type.kind === 'void') continue;
      exports.push(`export function s${status}(body) { return ${code.fn(type)}(body, ''); }`);
    }
  }
  if (route.ws) exports.push(`export function wsOut(msg) { return ${code.fn(route.ws.out)}(msg, ''); }`);
  return [
    `// ${GENERATED_HEADER}`,
    `import { $any, $date, $isArray, $isObject, $num, $str } from './${HELPERS_FILE}';`,
    code.source(),
    ...exports,
    '',
  ].join('\n');
}

function indexModule(files: string[]): string {
  const lines = [`// ${GENERATED_HEADER}`];
  files.forEach((file, i) => lines.push(`import * as r${i} from './${file}';`));
  lines.push('', '/** Per route, in the order of the route table: `s<status>(body)` (and a WS route\'s `wsOut(msg)`) → JSON text, or undefined for no body. */');
  lines.push(`export const routes = [${files.map((_, i) => `r${i}`).join(', ')}];`, '');
  return lines.join('\n');
}
