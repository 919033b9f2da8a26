// The private APIs of dependencies that Gati reaches, each through one adapter file, checked
// against the installed dependency (a real TypeScript program, real AJV compiles, a real BullMQ
// queue on Redis). A dependency upgrade that moves one fails here first, with a message naming the
// dependency, the private API and the adapter to update, instead of as a slower or subtly wrong build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { REPO } from './helpers/paths.js';
import { REDIS_URL } from './helpers/effects.js';
import { CHECK_FLAGS_READONLY, intrinsicName, isReadonlyByMappedType, setSourceFileVersion } from '../compiler/analyze/ts-private.js';
import { ajvInternals, builtInRule, stopTracking } from '../emitters/validators/ajv-private.js';
import { createValidatorAjv, standaloneCode } from '../emitters/validators/ajv-instance.js';
import { decideFailure, jobFetchedWithFinish } from '../runtime-shim/effects/bullmq-private.js';

const require = createRequire(import.meta.url);
const pinned = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;

/** Fails with the message a maintainer needs: which dependency, which private API, which file. */
function holds(ok: unknown, dependency: string, api: string, adapter: string): void {
  assert.ok(ok, `dependency ${dependency} changed its private API ${api}: update ${adapter}`);
}

const TS_ADAPTER = 'compiler/analyze/ts-private.ts';
const AJV_ADAPTER = 'emitters/validators/ajv-private.ts';
const BULLMQ_ADAPTER = 'runtime-shim/effects/bullmq-private.ts';

test('the adapters are written for the installed versions (package.json pins them exactly)', () => {
  for (const [name, adapter] of [['typescript', TS_ADAPTER], ['ajv', AJV_ADAPTER], ['bullmq', BULLMQ_ADAPTER]] as const) {
    const installed = (require(`${name}/package.json`) as { version: string }).version;
    assert.is(installed, pinned[name], `${name} ${installed} is installed but package.json pins ${pinned[name]}: check ${adapter} against it`);
  }
});

/** A one-file program (no lib, so the program holds only this file) over versioned SourceFiles. */
function tsProgram(source: string): { program: ts.Program; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gati-ts-private-'));
  const file = join(dir, 'types.ts');
  writeFileSync(file, source);
  const options: ts.CompilerOptions = { noLib: true, strict: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const sf = getSourceFile(name, version, onError, create);
    if (sf) setSourceFileVersion(sf, '1');
    return sf;
  };
  return { program: ts.createProgram({ rootNames: [file], options, host }), file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('typescript: CheckFlags.Readonly on a mapped type\'s properties, intrinsicName, SourceFile.version', () => {
  holds((ts as unknown as { CheckFlags?: Record<string, number> }).CheckFlags?.['Readonly'] === CHECK_FLAGS_READONLY, 'typescript', 'CheckFlags.Readonly (= 8)', TS_ADAPTER);
  const { program, file, cleanup } = tsProgram(`
    type Readonly<T> = { readonly [K in keyof T]: T[K] };
    interface Plain { a: string }
    export declare const mapped: Readonly<Plain>;
    export declare const plain: Plain;
    export declare const yes: true;
    export declare const text: string;
  `);
  try {
    const checker = program.getTypeChecker();
    const sf = program.getSourceFile(file)!;
    const typeOf = (name: string) => {
      const decl = sf.statements.filter(ts.isVariableStatement).flatMap((s) => s.declarationList.declarations).find((d) => d.name.getText(sf) === name)!;
      return checker.getTypeAtLocation(decl);
    };
    const mappedProp = checker.getPropertyOfType(typeOf('mapped'), 'a')!;
    const plainProp = checker.getPropertyOfType(typeOf('plain'), 'a')!;
    holds('links' in mappedProp, 'typescript', 'Symbol.links (transient symbols)', TS_ADAPTER);
    holds(isReadonlyByMappedType(mappedProp), 'typescript', 'Symbol.links.checkFlags & CheckFlags.Readonly', TS_ADAPTER);
    assert.is(isReadonlyByMappedType(plainProp), false, 'a property without readonly is not reported readonly');
    holds(intrinsicName(typeOf('yes')) === 'true', 'typescript', 'Type.intrinsicName (`true`)', TS_ADAPTER);
    holds(intrinsicName(typeOf('text')) === 'string', 'typescript', 'Type.intrinsicName (`string`)', TS_ADAPTER);
    // TypeScript's incremental check compares each SourceFile's version with the host's.
    const upToDate = (version: string) => (ts as unknown as { isProgramUptoDate: (...args: unknown[]) => boolean }).isProgramUptoDate(
      program, [file], program.getCompilerOptions(), () => version, () => false, () => false, () => false, () => false, () => undefined, undefined);
    holds(typeof (ts as unknown as { isProgramUptoDate?: unknown }).isProgramUptoDate === 'function', 'typescript', 'isProgramUptoDate', TS_ADAPTER);
    holds(upToDate('1') && !upToDate('2'), 'typescript', 'SourceFile.version (read by isProgramUptoDate)', TS_ADAPTER);
  } finally {
    cleanup();
  }
});

test('ajv: the dist/ modules, the rule table and the options the validator emitter patches', () => {
  let internals: ReturnType<typeof ajvInternals> | undefined;
  try {
    internals = ajvInternals();
  } catch (error) {
    holds(false, 'ajv', `a module under ajv/dist/ (${String(error)})`, AJV_ADAPTER);
  }
  const { codegen, useFunc, ucs2length, allSchemaProperties, errorsName, resolveSchemaRef } = internals!;
  for (const [name, f] of Object.entries({ ...codegen, useFunc, ucs2length, allSchemaProperties, resolveSchemaRef })) holds(typeof f === 'function', 'ajv', `dist/ export ${name}`, AJV_ADAPTER);
  holds(String(errorsName) === 'errors', 'ajv', 'dist/compile/names errors', AJV_ADAPTER);
  holds(String(codegen._`${errorsName} > ${1}`) === 'errors > 1', 'ajv', 'the codegen `_` tag', AJV_ADAPTER);
  holds(allSchemaProperties({ a: {}, b: {} }).join() === 'a,b', 'ajv', 'allSchemaProperties', AJV_ADAPTER);

  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // The discriminator rule exists only with the option the emitter sets.
  const plain = new Ajv2020({ discriminator: true });
  const opts = plain.opts as { unevaluated?: unknown; dynamicRef?: unknown };
  holds(opts.unevaluated === true && opts.dynamicRef === true, 'ajv', 'Ajv2020 opts.unevaluated / opts.dynamicRef', AJV_ADAPTER);
  for (const keyword of ['maxLength', 'minLength', 'additionalProperties', 'discriminator']) {
    let rule: ReturnType<typeof builtInRule> | undefined;
    try {
      rule = builtInRule(plain, keyword);
    } catch {
      holds(false, 'ajv', `RULES.all.${keyword}.definition.code`, AJV_ADAPTER);
    }
    if (keyword === 'discriminator') holds(typeof rule!.definition.error?.params === 'function', 'ajv', 'RULES.all.discriminator.definition.error.params', AJV_ADAPTER);
  }
  stopTracking(plain);
  holds(opts.unevaluated === false, 'ajv', 'opts (writable after construction)', AJV_ADAPTER);
});

test('ajv: the patched instance generates what the patches promise (so the private parts are really read)', () => {
  const ajv = createValidatorAjv({ strip: false });
  ajv.addSchema({ $id: 'short', type: 'string', maxLength: 3 });
  ajv.addSchema({
    $id: 'tagged',
    $defs: {
      Pickup: { type: 'object', properties: { kind: { const: 'pickup' } }, required: ['kind'] },
      Ship: { type: 'object', properties: { kind: { const: 'ship' } }, required: ['kind'] },
    },
    type: 'object',
    discriminator: { propertyName: 'kind' },
    properties: { kind: { type: 'string' } },
    required: ['kind'],
    oneOf: [{ $ref: '#/$defs/Pickup' }, { $ref: '#/$defs/Ship' }],
  });
  const code = standaloneCode(ajv, { short: 'short', tagged: 'tagged' });
  holds(!code.includes('dynamicAnchors'), 'ajv', 'opts.dynamicRef read at compile time', AJV_ADAPTER);
  holds(/\.length > 3 &&/.test(code), 'ajv', 'RULES.all.maxLength.definition.code', AJV_ADAPTER);
  const validate = ajv.getSchema('tagged')!;
  validate({ kind: 'drone' });
  const params = validate.errors?.[0]?.params as { allowed?: unknown[] } | undefined;
  holds(JSON.stringify(params?.allowed) === '["pickup","ship"]', 'ajv', 'discriminator error params / resolveRef through $ref', AJV_ADAPTER);
});

test('bullmq: a finish with fetchNext hands back the next job; moveToFailed follows the in-memory opts', async () => {
  holds(typeof (Worker.prototype as unknown as Record<string, unknown>)['nextJobFromJobData'] === 'function', 'bullmq', 'Worker#nextJobFromJobData', BULLMQ_ADAPTER);
  holds(typeof (Worker.prototype as unknown as Record<string, unknown>)['updateDelays'] === 'function', 'bullmq', 'Worker#updateDelays', BULLMQ_ADAPTER);
  const prefix = `gati-private-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('effects', { connection: queueConnection, prefix });
  const worker = new Worker('effects', null, { connection: workerConnection, prefix, autorun: false, lockDuration: 30_000 });
  try {
    for (const name of ['first', 'second', 'third']) await queue.add(name, { name }, { attempts: 5 });
    const first = (await worker.getNextJob('token-1', { block: false })) as Job | undefined;
    assert.is(first?.name, 'first');
    const result = await first!.moveToCompleted(null, 'token-1', true);
    holds(Array.isArray(result), 'bullmq', 'moveToFinished(fetchNext) answering [jobData, jobId, …]', BULLMQ_ADAPTER);
    const second = await jobFetchedWithFinish(worker, result, 'token-1');
    holds(second?.name === 'second' && (await second.getState()) === 'active', 'bullmq', 'Worker#nextJobFromJobData on the fetchNext answer', BULLMQ_ADAPTER);
    decideFailure(second!, Date.now() + 60_000);
    await second!.moveToFailed(new Error('retry me'), 'token-1', false);
    holds((await second!.getState()) === 'delayed', 'bullmq', 'moveToFailed reading job.opts.attempts/backoff (retry)', BULLMQ_ADAPTER);
    const third = (await worker.getNextJob('token-2', { block: false })) as Job | undefined;
    assert.is(third?.name, 'third');
    decideFailure(third!, null);
    await third!.moveToFailed(new Error('dead'), 'token-2', false);
    holds((await third!.getState()) === 'failed', 'bullmq', 'moveToFailed reading job.opts.attempts (dead)', BULLMQ_ADAPTER);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    queueConnection.disconnect();
    workerConnection.disconnect();
  }
});

test.run();
