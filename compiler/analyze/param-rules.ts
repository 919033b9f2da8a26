// Rules for the URL-borne input parts: params must name path segments, and params, query and
// headers must have types that can be read from strings (scalars; arrays of scalars in query/headers).
import ts from '../typescript.cjs';
import { resolveRef, type GType, type NamedTypes, type ObjectProperty } from '../../model/gtype.js';
import type { InputPart } from '../../model/app-model.js';
import type { ParsedRoute } from '../../model/route-string.js';
import type { Site } from './types/context.js';
import type { TypeConverter } from './type-converter.js';

/** What the rules need of a handler's analysis (its HandlerContext fits; named here so this file does not import handler.ts, which calls it). */
export interface ParamRulesContext {
  checker: ts.TypeChecker;
  converter: TypeConverter;
}

export function checkParamTypes(part: Exclude<InputPart, 'body'>, properties: ObjectProperty[], route: ParsedRoute, partType: ts.Type, site: Site, ctx: ParamRulesContext): void {
  const { checker, converter } = ctx;
  const types = converter.namedTypes;
  const nodeOf = (name: string) => {
    const symbol = checker.getPropertyOfType(partType, name);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0] ?? site.node;
  };
  for (const prop of properties) {
    const propSite: Site = { node: nodeOf(prop.name), path: `${part}.${prop.name}` };
    if (part === 'params' && !route.params.includes(prop.name)) {
      const inPath = route.params.length ? route.params.map((p) => (p === '*' ? "'*'" : `:${p}`)).join(', ') : 'none';
      converter.fail('GATI2006', `params has the key '${prop.name}', but the path '${route.path}' has no ':${prop.name}' (its params: ${inPath})`, propSite);
      continue;
    }
    const type = resolve(prop.type, types);
    const ok = part === 'params' ? isScalar(type, types) : isScalar(type, types) || (type.kind === 'array' && isScalar(resolve(type.items, types), types));
    if (!ok) {
      const what = part === 'params' ? 'path parameter' : part === 'query' ? 'query parameter' : 'header';
      const why = part === 'params' && type.kind === 'array' ? 'is an array, which one path segment cannot hold' : `has the type '${describeKind(type, types)}', which cannot be read from a URL string`;
      converter.fail('GATI2007', `the ${what} '${prop.name}' ${why}`, propSite);
    }
  }
}

/** The structure behind a ref; one without a definition stays a ref (and is not a scalar). */
function resolve(t: GType, types: NamedTypes): GType {
  return resolveRef(t, types) ?? t;
}

/** Whether a URL string can hold `t` (already resolved): a scalar, or a union of scalars without null. */
function isScalar(t: GType, types: NamedTypes): boolean {
  switch (t.kind) {
    case 'string': case 'number': case 'integer': case 'boolean': case 'literal': case 'enum': case 'date': case 'unknown':
      return true;
    case 'union':
      return t.members.every((m) => { const x = resolve(m, types); return x.kind !== 'null' && isScalar(x, types); });
    default:
      return false;
  }
}

function describeKind(t: GType, types: NamedTypes): string {
  return t.kind === 'array' ? `array of ${resolve(t.items, types).kind}` : t.kind;
}
