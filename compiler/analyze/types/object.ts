// Object types: properties in declaration order (with JSDoc constraints and descriptions),
// and index signatures, which become a record (`Record<string, V>`) or additionalProperties.
import ts from '../../typescript.cjs';
import type { GType, ObjectProperty, StringType } from '../../../model/gtype.js';
import { applyConstraints } from '../constraints.js';
import { aliasConstraints, jsDocConstraints, recordKeyNode } from '../jsdoc-constraints.js';
import type { ConvertContext, Site, TypeParser } from './context.js';
import { describe } from './context.js';
import { isReadonlyByMappedType } from '../ts-private.js';

export const objectParser: TypeParser = {
  name: 'object',
  supports: (t) => (t.flags & ts.TypeFlags.Object) !== 0,
  parse: (t, site, ctx) => convertObjectStructure(t, site, ctx),
};

export function convertObjectStructure(type: ts.Type, site: Site, ctx: ConvertContext): GType {
  const { checker } = ctx;
  if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0 || checker.getSignaturesOfType(type, ts.SignatureKind.Construct).length > 0) {
    return ctx.fail('GATI1001', `'${site.path}' is a function ('${describe(ctx, type)}'), which cannot cross the wire`, site);
  }
  const properties: ObjectProperty[] = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    if (prop.name.startsWith('__@')) continue; // well-known symbol keys are not data
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    const node = decl ?? site.node;
    const path = `${site.path}.${prop.name}`;
    const propSite: Site = { node, path };
    if (decl && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl))) {
      ctx.fail('GATI1001', `'${path}' is a method, which cannot cross the wire`, propSite);
      continue;
    }
    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
    // An optional property's `| undefined` is dropped by the union parser: absent, never undefined, on the wire.
    let converted = ctx.convert(checker.getTypeOfSymbol(prop), propSite);
    // The alias's constraints first (`amount: Currency`), then the property's own on top.
    const annotation = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
    const constraints = [...aliasConstraints(annotation, checker), ...jsDocConstraints(prop, checker)];
    if (constraints.length) converted = applyConstraints(converted, constraints, propSite, ctx);
    const property: ObjectProperty = { name: prop.name, type: converted, optional, readonly: isReadonly(prop, decl) };
    const description = ts.displayPartsToString(prop.getDocumentationComment(checker)).trim();
    if (description) property.description = description;
    if (hasDeprecatedTag(prop)) property.type = { ...property.type, deprecated: true };
    properties.push(property);
  }
  const indexInfos = checker.getIndexInfosOfType(type);
  let additional: GType | undefined;
  for (const info of indexInfos) {
    if (info.keyType.flags & (ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.TemplateLiteral)) {
      additional = ctx.convert(info.type, { node: info.declaration ?? site.node, path: `${site.path}[key]` });
      break;
    }
  }
  if (additional && properties.length === 0) return { kind: 'record', key: recordKey(site, ctx), value: additional };
  return additional ? { kind: 'object', properties, additionalProperties: additional } : { kind: 'object', properties };
}

/** The key of `Record<Currency, V>`: a string, with the constraints of the alias that names it. */
function recordKey(site: Site, ctx: ConvertContext): StringType {
  const annotation = (site.node as { type?: ts.Node }).type;
  const keyNode = annotation && ts.isTypeNode(annotation) ? recordKeyNode(annotation, ctx.checker) : undefined;
  const constraints = aliasConstraints(keyNode, ctx.checker);
  if (!constraints.length) return { kind: 'string' };
  const key = applyConstraints({ kind: 'string' }, constraints, { node: keyNode!, path: `${site.path}[key]` }, ctx);
  return key.kind === 'string' ? key : { kind: 'string' };
}

function isReadonly(prop: ts.Symbol, decl: ts.Declaration | undefined): boolean {
  if (isReadonlyByMappedType(prop)) return true;
  return !!decl && (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Readonly) !== 0;
}

function hasDeprecatedTag(prop: ts.Symbol): boolean {
  return prop.getJsDocTags().some((t) => t.name === 'deprecated');
}
