// One handler file → its route: method and path, input parts and output statuses as GTypes.
import ts from '../typescript.cjs';
import type { GType, ObjectProperty } from '../../model/gtype.js';
import type { InputPart, RouteModel, WsMessagesModel } from '../../model/app-model.js';
import { INPUT_PARTS } from '../../model/app-model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { parseRouteString, checkPath, type ParsedRoute } from '../../model/route-string.js';
import { routeFromFilePath } from '../../model/file-route.js';
import { relPath } from '../discover/discover.js';
import { exportedConstInitializer, stringLiteralValue, usedModulesAndEffects } from './static-exports.js';
import { findHandlerDeclaration, readHandlerTypes, type HandlerTypes } from './handler-types.js';
import type { TypeConverter } from './type-converter.js';
import { fileStart, locationOf, spanOf } from './span.js';
import { checkParamTypes } from './param-rules.js';

export interface HandlerContext {
  root: string;
  handlersDir: string;
  checker: ts.TypeChecker;
  converter: TypeConverter;
  diagnostics: DiagnosticBag;
}

export function analyzeHandler(sf: ts.SourceFile, ctx: HandlerContext): RouteModel | undefined {
  const file = relPath(ctx.root, sf.fileName);
  const fromPath = routeFromFilePath(relPath(ctx.handlersDir, sf.fileName));
  const route = readRoute(sf, fromPath, ctx);
  const decl = findHandlerDeclaration(sf, ctx.checker);
  if (!decl) {
    ctx.diagnostics.report('GATI2001', `${file} is in src/handlers but has no \`handler\` export`, { span: fileStart(sf, ctx.root) });
    return undefined;
  }
  if (!route) return undefined;
  const types = readHandlerTypes(decl, ctx.checker);
  if (!checkHandlerKind(route, types, ctx)) return undefined;
  const typed = types.input !== undefined || types.output !== undefined || types.ws !== undefined;
  const input: Partial<Record<InputPart, GType>> = {};
  if (types.input) readInput(types.input, types.inputNode!, route, input, ctx);
  input.params = withPathParams(input.params, route.params);
  // A WebSocket route answers the upgrade with 101 and then speaks in messages: it has no statuses.
  const output = route.method === 'WS' ? {} : types.output ? readOutput(types.output, types.outputNode!, ctx) : { '200': { kind: 'unknown' } as GType };
  const ws = types.ws ? readWsMessages(types.ws, ctx) : undefined;
  if (input.body && route.method === 'WS') {
    const bodyProp = ctx.checker.getPropertyOfType(types.input!, 'body');
    ctx.converter.fail('GATI2008', `WS ${route.path} declares a body; a WebSocket upgrade has none (clients send messages, typed by \`in\`)`, { node: bodyProp?.valueDeclaration ?? types.inputNode!, path: 'body' });
  }
  if (input.body && (route.method === 'GET' || route.method === 'HEAD')) {
    const bodyProp = ctx.checker.getPropertyOfType(types.input!, 'body');
    const at = bodyProp?.valueDeclaration ?? types.inputNode!;
    ctx.diagnostics.report('GATI2013', `${route.method} ${route.path} declares a body`, { span: locationOf(at, ctx.root), severity: 'warning' });
  }
  const used = usedModulesAndEffects(sf);
  return {
    key: `${route.method} ${route.path}`,
    method: route.method,
    path: route.path,
    pathParams: route.params,
    file,
    span: spanOf(types.decl, ctx.root),
    routeSource: route.source,
    name: fromPath.name,
    typed,
    input: sortParts(input),
    output,
    ...(ws ? { ws } : {}),
    middleware: [],
    modules: used.modules,
    effects: used.effects,
    ...(types.input && isBodyOptional(types.input, ctx.checker) ? { bodyOptional: true as const } : {}),
  };
}

/**
 * A WS route takes a `WsHandler` (or an untyped object); an HTTP route a function or `Handler`.
 * False (after a diagnostic) when the two are mixed up.
 */
function checkHandlerKind(route: ParsedRoute, types: HandlerTypes, ctx: HandlerContext): boolean {
  const at = { span: locationOf(types.decl, ctx.root, types.decl.getWidth()) };
  if (route.method === 'WS' && types.httpForm) {
    ctx.diagnostics.report('GATI2016', `WS ${route.path} has an HTTP handler; a WebSocket route exports \`handler: WsHandler<Input, { in; out }>\` = { open, message, close }`, at);
    return false;
  }
  if (route.method !== 'WS' && types.ws) {
    ctx.diagnostics.report('GATI2017', `${route.method} ${route.path} exports a WsHandler; a WebSocket route is 'WS <path>' (a \`.ws.ts\` file or \`export const route = 'WS ${route.path}'\`)`, at);
    return false;
  }
  return true;
}

/** `{ in: In; out: Out }` → GTypes, by the rules of request and response bodies (a missing key: unknown). */
function readWsMessages(ws: NonNullable<HandlerTypes['ws']>, ctx: HandlerContext): WsMessagesModel {
  const { checker, converter } = ctx;
  const unknown: GType = { kind: 'unknown' };
  if (!ws.messages || !ws.messagesNode) return { in: unknown, out: unknown };
  const node = ws.messagesNode;
  const type = ws.messages;
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) {
    converter.fail('GATI2008', `the WebSocket messages '${checker.typeToString(type)}' are not an object type with \`in\` and \`out\``, { node, path: 'messages' });
    return { in: unknown, out: unknown };
  }
  const read = (key: 'in' | 'out'): GType => {
    const prop = checker.getPropertyOfType(type, key);
    if (!prop) return unknown;
    return converter.convert(checker.getTypeOfSymbol(prop), { node: prop.valueDeclaration ?? node, path: key });
  };
  for (const prop of checker.getPropertiesOfType(type)) {
    if (prop.name !== 'in' && prop.name !== 'out') converter.fail('GATI2008', `the WebSocket messages have the key '${prop.name}'; only \`in\` and \`out\` are read`, { node: prop.valueDeclaration ?? node, path: prop.name });
  }
  return { in: read('in'), out: read('out') };
}

/** `{ body?: B }`: a client may send no body (the versions diff treats adding one as an addition). */
function isBodyOptional(input: ts.Type, checker: ts.TypeChecker): boolean {
  const body = checker.getPropertyOfType(input, 'body');
  return body !== undefined && (body.flags & ts.SymbolFlags.Optional) !== 0;
}

function readRoute(sf: ts.SourceFile, fromPath: ReturnType<typeof routeFromFilePath>, ctx: HandlerContext): (ParsedRoute & { source: 'export' | 'file' }) | undefined {
  const exported = exportedConstInitializer(sf, 'route');
  if (exported) {
    const text = stringLiteralValue(exported.init);
    const at = exported.init ?? exported.decl;
    if (text === undefined) {
      ctx.diagnostics.report('GATI2003', 'the `route` export must be a string literal', { span: locationOf(at, ctx.root, at.getWidth()) });
      return undefined;
    }
    const parsed = parseRouteString(text);
    if (!parsed.ok) {
      ctx.diagnostics.report('GATI2002', `invalid route '${text}': ${parsed.reason}`, { span: locationOf(at, ctx.root, at.getWidth()) });
      return undefined;
    }
    return { ...parsed.route, source: 'export' };
  }
  const checked = checkPath(fromPath.path);
  if (!checked.ok) {
    ctx.diagnostics.report('GATI2002', `the file path gives the invalid route '${fromPath.method} ${fromPath.path}': ${checked.reason}`, { span: fileStart(sf, ctx.root) });
    return undefined;
  }
  return { method: fromPath.method, path: checked.path, params: checked.params, source: 'file' };
}

function readInput(type: ts.Type, node: ts.TypeNode, route: ParsedRoute, input: Partial<Record<InputPart, GType>>, ctx: HandlerContext): void {
  const { checker, converter } = ctx;
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) {
    if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
      converter.fail('GATI2008', `the handler input '${checker.typeToString(type)}' is not an object type with params, query, headers or body`, { node, path: 'input' });
    }
    return;
  }
  for (const prop of checker.getPropertiesOfType(type)) {
    const propNode = prop.valueDeclaration ?? prop.declarations?.[0] ?? node;
    if (!(INPUT_PARTS as readonly string[]).includes(prop.name)) {
      converter.fail('GATI2008', `the handler input has the key '${prop.name}'; only params, query, headers and body are read`, { node: propNode, path: prop.name });
      continue;
    }
    const part = prop.name as InputPart;
    const site = { node: propNode, path: part };
    const converted = converter.convert(checker.getTypeOfSymbol(prop), site);
    if (part === 'body') {
      input.body = converted;
      continue;
    }
    const object = converter.resolveObject(converted);
    if (!object) {
      converter.fail('GATI2008', `'${part}' must be an object type, not '${checker.typeToString(checker.getTypeOfSymbol(prop))}'`, site);
      continue;
    }
    checkParamTypes(part, object.properties, route, checker.getTypeOfSymbol(prop), site, ctx);
    input[part] = object;
  }
}

/** Route params not declared in `params` are strings (docs/handlers.md); untyped handlers get only those. */
function withPathParams(params: GType | undefined, names: string[]): GType | undefined {
  const declared = params && params.kind === 'object' ? params.properties : [];
  const missing: ObjectProperty[] = names
    .filter((n) => !declared.some((p) => p.name === n))
    .map((name) => ({ name, type: { kind: 'string' }, optional: false, readonly: false }));
  if (!params && missing.length === 0) return undefined;
  const properties = names.flatMap((n) => declared.filter((p) => p.name === n)).concat(declared.filter((p) => !names.includes(p.name)));
  const merged = [...properties, ...missing].sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  return { kind: 'object', properties: merged };
}

function readOutput(type: ts.Type, node: ts.TypeNode, ctx: HandlerContext): Record<string, GType> {
  const { checker, converter } = ctx;
  const isPlainObject = type.flags & ts.TypeFlags.Object && !checker.isArrayType(type) && !checker.isTupleType(type) && !converter.isLibSymbol(type.symbol);
  const props = isPlainObject ? checker.getPropertiesOfType(type) : [];
  const numeric = props.filter((p) => /^\d+$/.test(p.name));
  if (props.length === 0 || numeric.length === 0) return { '200': converter.convert(type, { node, path: 'response' }) };
  const output: Record<string, GType> = {};
  if (numeric.length !== props.length) {
    converter.fail('GATI2009', `the output type mixes status codes (${numeric.map((p) => p.name).join(', ')}) with other keys (${props.filter((p) => !numeric.includes(p)).map((p) => p.name).join(', ')})`, { node, path: 'response' });
    return { '200': { kind: 'unknown' } };
  }
  for (const prop of props) {
    const status = Number(prop.name);
    const propNode = prop.valueDeclaration ?? node;
    if (status < 100 || status > 599) {
      converter.fail('GATI2009', `${prop.name} is not an HTTP status code (100–599)`, { node: propNode, path: `response.${prop.name}` });
      continue;
    }
    output[prop.name] = converter.convert(checker.getTypeOfSymbol(prop), { node: propNode, path: `response[${prop.name}]` });
  }
  return output;
}

function sortParts(input: Partial<Record<InputPart, GType>>): Partial<Record<InputPart, GType>> {
  const out: Partial<Record<InputPart, GType>> = {};
  for (const part of INPUT_PARTS) if (input[part]) out[part] = input[part];
  return out;
}
