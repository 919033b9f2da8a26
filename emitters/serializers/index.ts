// The serializers emitter: per route, one module (dist/serializers/<method>.<path>.mjs, named like
// its schema file) exporting `s<status>(body)` for each declared status with a body, a compiled
// replacement for JSON.stringify(body) (see codegen.ts: byte-identical output for any value). One
// shared helpers module, and an index listing the route modules in the order of the route table.
// Pure: the same model gives the same bytes.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import type { NamedType } from '../../model/gtype.js';
import { routeSchemaFile } from '../schema/index.js';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { SerializerCode } from './codegen.js';
import { HELPERS_FILE, HELPERS_SOURCE } from './helpers.js';

const DIR = 'dist/serializers';

export function emit(model: AppModel): Artifact[] {
  const files = model.routes.map((route) => routeSchemaFile(route).replace(/\.json$/, '.mjs'));
  return [
    { path: `${DIR}/${HELPERS_FILE}`, contents: HELPERS_SOURCE },
    ...model.routes.map((route, i) => ({ path: `${DIR}/${files[i]}`, contents: routeSerializers(route, model.types) })),
    { path: `${DIR}/index.mjs`, contents: indexModule(files) },
  ];
}

/** A route's module: `export function s200(body)` per declared status whose body is not void. */
export function routeSerializers(route: Pick<RouteModel, 'typed' | 'output'>, types: Record<string, NamedType>): string {
  const code = new SerializerCode(types);
  const exports: string[] = [];
  if (route.typed) {
    for (const [status, type] of Object.entries(route.output)) {
      if (type.kind === 'void') continue;
      exports.push(`export function s${status}(body) { return ${code.fn(type)}(body, ''); }`);
    }
  }
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
  lines.push('', '/** Per route, in the order of the route table: `s<status>(body)` → JSON text, or undefined for no body. */');
  lines.push(`export const routes = [${files.map((_, i) => `r${i}`).join(', ')}];`, '');
  return lines.join('\n');
}
