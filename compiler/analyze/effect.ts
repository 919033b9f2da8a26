// An effect file → its name, payload type (the first parameter of `run`) and retry policy.
import ts from '../typescript.cjs';
import type { EffectModel, RetryModel } from '../../model/app-model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { relPath } from '../discover/discover.js';
import { baseName, checkName } from './names.js';
import { exportedConstInitializer, literalObject } from './static-exports.js';
import type { TypeConverter } from './type-converter.js';
import { fileStart, locationOf, spanOf } from './span.js';
import { EFFECT_DEFAULTS } from '../../runtime-shim/defaults.js';

export const DEFAULT_RETRY: RetryModel = EFFECT_DEFAULTS.retry;

export function analyzeEffect(sf: ts.SourceFile, root: string, checker: ts.TypeChecker, converter: TypeConverter, diagnostics: DiagnosticBag): EffectModel | undefined {
  const file = relPath(root, sf.fileName);
  const name = baseName(file);
  const fileSpan = fileStart(sf, root);
  const problem = checkName(name);
  if (problem === 'reserved') {
    diagnostics.report('GATI2012', `the effect name '${name}' is a reserved word; rename the file (e.g. '${name}Job.ts')`, { span: fileSpan });
    return undefined;
  }
  if (problem) {
    diagnostics.report('GATI2012', `the effect name '${name}' is not a JavaScript identifier; rename the file (e.g. '${name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}.ts')`, { span: fileSpan });
    return undefined;
  }
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  let run = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'run');
  if (run && run.flags & ts.SymbolFlags.Alias) run = checker.getAliasedSymbol(run);
  const runDecl = run?.valueDeclaration ?? run?.declarations?.[0];
  if (!run || !runDecl) {
    diagnostics.report('GATI2011', `the effect '${name}' has no \`run\` export`, { span: fileSpan });
    return undefined;
  }
  const signature = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(run, runDecl), ts.SignatureKind.Call)[0];
  const payloadParam = signature?.parameters[0];
  const paramDecl = payloadParam?.valueDeclaration;
  const payload = payloadParam && paramDecl && (paramDecl as ts.ParameterDeclaration).type
    ? converter.convert(checker.getTypeOfSymbolAtLocation(payloadParam, paramDecl), { node: paramDecl, path: 'payload' })
    : { kind: 'unknown' as const };
  return { name, file, span: spanOf(ts.getNameOfDeclaration(runDecl) ?? runDecl, root), payload, retry: readRetry(sf, root, name, diagnostics) };
}

function readRetry(sf: ts.SourceFile, root: string, name: string, diagnostics: DiagnosticBag): RetryModel {
  const exported = exportedConstInitializer(sf, 'retry');
  if (!exported) return DEFAULT_RETRY;
  const node = exported.init ?? exported.decl;
  const span = locationOf(node, root, node.getWidth());
  const value = literalObject(exported.init);
  if (!value) {
    diagnostics.report('GATI2015', `the \`retry\` export of '${name}' must be an object literal of literals`, { span });
    return DEFAULT_RETRY;
  }
  const retry = { ...DEFAULT_RETRY };
  for (const [key, v] of Object.entries(value)) {
    if (key === 'attempts' && Number.isInteger(v) && (v as number) >= 1) retry.attempts = v as number;
    else if (key === 'delayMs' && typeof v === 'number' && v >= 0) retry.delayMs = v;
    else if (key === 'backoff' && (v === 'fixed' || v === 'exponential')) retry.backoff = v;
    else if (!(key in DEFAULT_RETRY)) diagnostics.report('GATI2015', `\`retry\` of '${name}' has the unknown key '${key}' (known: attempts, backoff, delayMs)`, { span });
    else diagnostics.report('GATI2015', `\`retry.${key}\` of '${name}' is invalid: ${JSON.stringify(v)} (attempts: integer ≥ 1, delayMs: number ≥ 0, backoff: 'fixed' | 'exponential')`, { span });
  }
  return retry;
}
