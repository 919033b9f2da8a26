// Rules for the URL-borne input parts: params must name path segments, and params, query and
// headers must have types that can be read from strings (scalars; arrays of scalars in query/headers).
import ts from 'typescript';
import type { GType, ObjectProperty } from '../../model/gtype.js';
import type { InputPart } from '../../model/app-model.js';
import type { ParsedRoute } from '../../model/route-string.js';
import type { Site } from './types/context.js';
import type { HandlerContext } from './handler.js';

export function checkParamTypes(part: Exclude<InputPart, 'body'>, properties: ObjectProperty[], route: ParsedRoute, partType: ts.Type, site: Site, ctx: HandlerContext): void {
  const { checker, converter } = ctx;
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
    const type = resolve(prop.type, converter);
    const ok = part === 'params' ? isScalar(type, converter) : isScalar(type, converter) || (type.kind === 'array' && isScalar(resolve(type.items, converter), converter));
    if (!ok) {
      const what = part === 'params' ? 'path parameter' : part === 'query' ? 'query parameter' : 'header';
      const why = part === 'params' && type.kind === 'array' ? 'is an array, which one path segment cannot hold' : `has the type '${describeKind(type, converter)}', which cannot be read from a URL string`;
      converter.fail('GATI2007', `the ${what} '${prop.name}' ${why}`, propSite);
    }
  }
}

interface Resolver { resolveRef(t: GType): GType }

function resolve(t: GType, r: Resolver): GType {
  return r.resolveRef(t);
}

function isScalar(t: GType, r: Resolver): boolean {
  switch (t.kind) {
    case 'string': case 'number': case 'integer': case 'boolean': case 'literal': case 'enum': case 'date': case 'unknown':
      return true;
    case 'union':
      return t.members.every((m) => { const x = resolve(m, r); return x.kind !== 'null' && isScalar(x, r); });
    case 'ref':
      return isScalar(resolve(t, r), r);
    default:
      return false;
  }
}

function describeKind(t: GType, r: Resolver): string {
  return t.kind === 'array' ? `array of ${resolve(t.items, r).kind}` : t.kind;
}
