#!/usr/bin/env node
// Generates the synthetic app for the analyzer benchmark (bench/analyzer.mjs) into bench/.work/app.
// Deterministic: no randomness; every choice is a function of the handler's index.
//
//   500 handlers  src/handlers/g<k>/...   (25 folders of 20; 8 shape variants; half `const handler:
//                 Handler<I, O>`, half `async function handler(req: Req<I>, res: Res<O>, gctx, lctx)`;
//                 a third call a module through gctx.modules.<name>)
//   12 type files src/types/*.ts          (audit.ts is the "shared type" file: imported by exactly
//                 50 handlers and by nothing else, so editing it re-analyzes ~50 files)
//   30 modules    src/modules/m<j>.ts
//
// Usage: node bench/gen-app.mjs [outDir]     (default bench/.work/app)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '..');
export const DEFAULT_APP_DIR = join(BENCH_DIR, '.work', 'app');
/** Bump when the generated app changes, so analyzer.mjs regenerates an app made by an older generator. */
export const GENERATOR_VERSION = 3;
export const MANIFEST = 'bench-manifest.json';

export const HANDLERS = 500;
export const MODULES = 30;
export const GROUP_SIZE = 20;
/** The shared type file, relative to the app root, and the interface the shared-type edit touches. */
export const SHARED_FILE = 'src/types/audit.ts';
export const SHARED_INTERFACE = 'AuditInfo';

const isAudit = (i) => i % 10 === 7; // 50 handlers
const usesModule = (i) => i % 3 === 0; // 167 handlers
const variantOf = (i) => i % 8;
/** 0 = `export const handler: Handler<I, O>`, 1 = `export async function handler(...)`: exactly 250 each. */
const formOf = (i) => (i + Math.floor(i / 8)) % 2;

// ---------------------------------------------------------------------------------------------
// Shared type files (12). Only domain files import each other; nothing imports audit.ts except
// the 50 audit handlers.

const TYPE_FILES = {
  'common.ts': `import type { tags } from 'gati';

export type Email = string & tags.Format<'email'>;
export type Uuid = string & tags.Format<'uuid'>;
export type Int = number & tags.Type<'int32'>;
export type Money = number & tags.Minimum<0> & tags.MultipleOf<0.01>;
export type Slug = string & tags.Pattern<'^[a-z0-9-]+$'> & tags.MaxLength<64>;
export type Currency = 'USD' | 'EUR' | 'INR' | 'GBP';
export type SortOrder = 'asc' | 'desc';

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  total: number & tags.Type<'int32'> & tags.Minimum<0>;
  next?: string | null;
}

export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string & tags.MaxLength<500> } };

export interface NotFound {
  error: 'NotFound';
}
`,
  'json.ts': `/** Any JSON value (a recursive alias). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
`,
  'geo.ts': `import type { tags } from 'gati';

/** A point with an optional altitude. */
export type GeoPoint = [lat: number & tags.Minimum<-90> & tags.Maximum<90>, lng: number & tags.Minimum<-180> & tags.Maximum<180>, alt?: number];
export type BBox = [southWest: GeoPoint, northEast: GeoPoint];

export interface Place {
  name: string;
  at: GeoPoint;
  bounds?: BBox;
  polygon?: GeoPoint[];
}
`,
  'enums.ts': `export enum Priority {
  Low = 0,
  Normal = 1,
  High = 2,
  Urgent = 3,
}

export enum Status {
  Open = 'open',
  Closed = 'closed',
  Archived = 'archived',
}
`,
  'user.ts': `import type { tags } from 'gati';
import type { Email, Uuid } from './common.js';
import type { GeoPoint } from './geo.js';

export enum Role {
  Admin = 'admin',
  Member = 'member',
  Guest = 'guest',
}

export interface Address {
  line1: string & tags.MinLength<1>;
  line2?: string;
  city: string;
  country: string & tags.MinLength<2> & tags.MaxLength<2>;
  geo?: GeoPoint;
}

export interface User {
  id: Uuid;
  email: Email;
  name: string & tags.MinLength<1> & tags.MaxLength<120>;
  role: Role;
  address: Address;
  labels: string[] & tags.MaxItems<10> & tags.UniqueItems;
  createdAt: Date;
  settings: Record<string, boolean>;
  age?: number & tags.Type<'uint32'> & tags.Maximum<150>;
  /** @pattern ^\\+[0-9]{6,15}$ */
  phone?: string | null;
}

export type NewUser = Omit<User, 'id' | 'createdAt'>;
export type UserPatch = Partial<Pick<User, 'name' | 'email' | 'address' | 'settings'>>;
export type UserSummary = Pick<User, 'id' | 'name' | 'role'>;
`,
  'catalog.ts': `import type { tags } from 'gati';
import type { Currency, Money, Slug } from './common.js';

/** A recursive interface: a category tree. */
export interface Category {
  id: string;
  slug: Slug;
  name: string;
  children: Category[];
  parent?: Category | null;
}

export interface Product {
  sku: Slug;
  title: string & tags.MaxLength<200>;
  price: Money;
  currency: Currency;
  categories: Category[];
  attributes: Record<string, string | number | boolean>;
  dimensions?: [width: number, height: number, depth?: number];
}
`,
  'order.ts': `import type { tags } from 'gati';
import type { Int, Uuid } from './common.js';
import type { Product } from './catalog.js';
import type { Priority, Status } from './enums.js';
import type { Address, UserSummary } from './user.js';

export interface OrderLine {
  product: Pick<Product, 'sku' | 'price' | 'currency'>;
  qty: Int & tags.Minimum<1>;
}

/** A discriminated union. */
export type PaymentMethod =
  | { kind: 'card'; last4: string & tags.Pattern<'^[0-9]{4}$'>; expires: [month: number, year: number] }
  | { kind: 'bank'; iban: string & tags.MinLength<15> }
  | { kind: 'wallet'; provider: 'apple' | 'google'; token: string };

export interface Order {
  id: Uuid;
  customer: UserSummary;
  lines: OrderLine[] & tags.MinItems<1>;
  payment: PaymentMethod;
  shipTo: Address;
  status: Status;
  priority: Priority;
  placedAt: Date;
  notes?: string;
}
`,
  'events.ts': `import type { tags } from 'gati';
import type { Json } from './json.js';
import type { UserSummary } from './user.js';

export type Event =
  | { type: 'created'; at: Date; payload: Json }
  | { type: 'updated'; at: Date; changes: Record<string, Json> }
  | { type: 'deleted'; at: Date; reason?: string };

/** A recursive interface: a thread of comments. */
export interface Comment {
  id: string;
  author: UserSummary;
  body: string & tags.MaxLength<2000>;
  replies: Comment[];
  createdAt: Date;
}
`,
  'billing.ts': `import type { tags } from 'gati';
import type { Currency, Money, Uuid } from './common.js';

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void';

export interface InvoiceLine {
  description: string;
  amount: Money;
  tax?: number & tags.ExclusiveMinimum<0>;
}

export interface Invoice {
  id: Uuid;
  lines: InvoiceLine[];
  totals: Record<Currency, number>;
  status: InvoiceStatus;
  issuedAt: Date;
  dueAt?: Date;
}
`,
  'inventory.ts': `import type { Slug } from './common.js';

export interface Stock {
  sku: Slug;
  warehouse: 'north' | 'south' | 'east' | 'west';
  levels: [onHand: number, reserved: number, incoming?: number];
  history: Array<{ at: Date; delta: number }>;
}
`,
  'messaging.ts': `import type { tags } from 'gati';
import type { Email } from './common.js';
import type { Json } from './json.js';

export interface Attachment {
  name: string;
  bytes: number & tags.Type<'uint32'>;
  /** @default "application/octet-stream" */
  contentType?: string;
}

export interface Message {
  to: Email[] & tags.MinItems<1> & tags.UniqueItems;
  subject: string & tags.MaxLength<200>;
  body: Json;
  attachments?: Attachment[];
  channel: 'email' | 'sms' | 'push';
}
`,
  'audit.ts': `// The shared type file: imported by exactly 50 handlers and by no other file.
export interface AuditInfo {
  actor: string;
  reason?: string;
  at: Date;
  trace: [traceId: string, spanId?: string];
}

export interface AuditEnvelope<T> {
  data: T;
  audit: AuditInfo;
}
`,
};

// ---------------------------------------------------------------------------------------------
// Handler shape variants. Each has a local named type (Body<i> or Query<i>) that the warm-path
// edit appends a property to, an output type, and a declared error status the handler answers.

const VARIANTS = [
  // 0: POST create, file route, Omit<>
  {
    method: 'POST', routeMode: 'file', params: null,
    imports: { 'user.ts': ['NewUser', 'User'], 'common.ts': ['Email'] },
    local: (i) => `export interface Body${i} {\n  user: NewUser;\n  invite?: boolean;\n  source: 'web' | 'api' | 'import';\n}`,
    input: (i) => `{ body: Body${i} }`,
    ok: 'User', okStatus: 201,
    err: { status: 409, type: `{ error: 'Conflict'; email: Email }`, value: `{ error: 'Conflict', email: req.body.user.email }` },
    uses: (i) => `req.body.user.email`,
  },
  // 1: GET list, file route, query, instantiated generic output (plain 200)
  {
    method: 'GET', routeMode: 'file', params: null,
    imports: { 'user.ts': ['Role', 'User'], 'common.ts': ['Int', 'Page', 'SortOrder'] },
    local: (i) => `export interface Query${i} {\n  page?: number & tags.Minimum<1>;\n  size?: Int & tags.Maximum<100>;\n  sort?: SortOrder;\n  role?: Role;\n  labels?: string[];\n}`,
    input: (i) => `{ query: Query${i} }`,
    ok: 'Page<User>', plain: true,
    uses: () => `req.query.sort ?? 'asc'`,
  },
  // 2: PATCH with :id, exported route, Partial<Pick<>>, generic union output
  {
    method: 'PATCH', routeMode: 'export', params: { id: 'Uuid' },
    imports: { 'user.ts': ['User', 'UserPatch'], 'common.ts': ['NotFound', 'Result', 'Uuid'], 'enums.ts': ['Priority'] },
    local: (i) => `export interface Body${i} {\n  patch: UserPatch;\n  priority?: Priority;\n  dryRun?: boolean;\n}`,
    input: (i) => `{ params: { id: Uuid }; body: Body${i} }`,
    ok: 'Result<User>', okStatus: 200,
    err: { status: 404, type: 'NotFound', value: `{ error: 'NotFound' }` },
    uses: () => `req.params.id`,
  },
  // 3: POST order, exported route, discriminated union, tuple with optional element, Record<string, Json>
  {
    method: 'POST', routeMode: 'export', params: null,
    imports: { 'order.ts': ['Order', 'OrderLine', 'PaymentMethod'], 'user.ts': ['Address'], 'geo.ts': ['GeoPoint'], 'json.ts': ['Json'] },
    local: (i) => `export interface Body${i} {\n  lines: OrderLine[];\n  payment: PaymentMethod;\n  shipTo: Address;\n  location?: GeoPoint;\n  meta: Record<string, Json>;\n}`,
    input: (i) => `{ body: Body${i}; headers: { 'idempotency-key'?: string } }`,
    ok: 'Order', okStatus: 201,
    err: { status: 422, type: `{ error: 'Invalid'; fields: string[] }`, value: `{ error: 'Invalid', fields: Object.keys(req.body) }` },
    uses: () => `req.body.payment.kind`,
  },
  // 4: PUT with :slug, exported route, recursive interface in and out (plain 200)
  {
    method: 'PUT', routeMode: 'export', params: { slug: 'Slug' },
    imports: { 'catalog.ts': ['Category', 'Product'], 'common.ts': ['Slug'] },
    local: (i) => `export interface Body${i} {\n  category: Category;\n  products: Omit<Product, 'categories'>[];\n  replace?: boolean;\n}`,
    input: (i) => `{ params: { slug: Slug }; body: Body${i} }`,
    ok: 'Category', plain: true,
    uses: () => `req.params.slug`,
  },
  // 5: POST event, file route, union with a recursive alias, recursive comments, tuple with optional elements
  {
    method: 'POST', routeMode: 'file', params: null,
    imports: { 'events.ts': ['Comment', 'Event'], 'common.ts': ['Uuid'] },
    local: (i) => `export interface Body${i} {\n  event: Event;\n  comments?: Comment[];\n  tuple: [label: string, weight?: number, pinned?: boolean];\n}`,
    input: (i) => `{ body: Body${i} }`,
    ok: `{ accepted: true; id: Uuid }`, okStatus: 202,
    err: { status: 400, type: `{ error: 'BadEvent'; type: Event['type'] }`, value: `{ error: 'BadEvent', type: req.body.event.type }` },
    uses: () => `req.body.event.type`,
  },
  // 6: GET with numeric :n, file route ([n].get.ts), query with enum, Date and tagged array
  {
    method: 'GET', routeMode: 'file-param', params: { n: 'number' },
    imports: { 'billing.ts': ['Invoice'], 'common.ts': ['NotFound', 'Uuid'], 'enums.ts': ['Status'] },
    local: (i) => `export interface Query${i} {\n  status?: Status;\n  from?: Date;\n  limit?: number & tags.Maximum<100>;\n  ids?: Uuid[];\n}`,
    input: (i) => `{ params: { n: number }; query: Query${i} }`,
    ok: 'Invoice', okStatus: 200,
    err: { status: 404, type: 'NotFound', value: `{ error: 'NotFound' }` },
    uses: () => `req.params.n`,
  },
  // 7: POST messaging, exported route, Partial<>, Record, named tuple in the error body
  {
    method: 'POST', routeMode: 'export', params: null,
    imports: { 'messaging.ts': ['Message'], 'billing.ts': ['Invoice'], 'inventory.ts': ['Stock'], 'common.ts': ['Page'], 'enums.ts': ['Priority'] },
    local: (i) => `export interface Body${i} {\n  message: Message;\n  invoice?: Partial<Invoice>;\n  stock: Stock[];\n  weights: Record<string, number>;\n  priority: Priority;\n}`,
    input: (i) => `{ body: Body${i} }`,
    ok: 'Page<Stock>', okStatus: 200,
    err: { status: 400, type: `{ error: 'Invalid'; at: [field: string, index?: number] }`, value: `{ error: 'Invalid', at: ['message'] }` },
    uses: () => `req.body.message.channel`,
  },
];

/** Handlers whose local type is a request body (the warm-path edit targets these). */
export function bodyHandlers() {
  const out = [];
  for (let i = 0; i < HANDLERS; i++) if (VARIANTS[variantOf(i)].local(i).startsWith('export interface Body')) out.push(i);
  return out;
}

export function handlerInfo(i) {
  const v = VARIANTS[variantOf(i)];
  const group = Math.floor(i / GROUP_SIZE);
  const dir = `src/handlers/g${group}`;
  let file;
  if (v.routeMode === 'file') file = `${dir}/h${i}${v.method === 'GET' ? '' : '.' + v.method.toLowerCase()}.ts`;
  else if (v.routeMode === 'file-param') file = `${dir}/h${i}/[${Object.keys(v.params)[0]}].${v.method.toLowerCase()}.ts`;
  else file = `${dir}/h${i}.ts`;
  const path = `/g${group}/h${i}` + (v.params ? '/' + Object.keys(v.params).map((p) => `:${p}`).join('/') : '');
  const local = v.local(i);
  return {
    index: i,
    file,
    route: `${v.method} ${path}`,
    variant: variantOf(i),
    form: formOf(i) === 0 ? 'const' : 'function',
    audit: isAudit(i),
    module: usesModule(i) ? `m${(i / 3) % MODULES}` : null,
    localType: /^export interface (\w+)/.exec(local)[1],
  };
}

function handlerSource(i) {
  const v = VARIANTS[variantOf(i)];
  const info = handlerInfo(i);
  const fileDir = info.file.slice(0, info.file.lastIndexOf('/'));
  const typesRel = relative(fileDir, 'src/types').split(sep).join('/');
  const imports = new Map(Object.entries(v.imports).map(([f, names]) => [f, [...names]]));
  if (info.audit) imports.set('audit.ts', ['AuditEnvelope']);
  const local = v.local(i);
  const needsTags = local.includes('tags.');
  const gatiTypes = info.form === 'const' ? ['Handler'] : ['GlobalContext', 'LocalContext', 'Req', 'Res'];
  if (needsTags) gatiTypes.push('tags');
  const lines = [`// Generated by bench/gen-app.mjs (handler ${i}, variant ${info.variant}, ${info.form} form).`];
  if (v.plain) lines.push(`import { HttpError } from 'gati';`);
  lines.push(`import type { ${gatiTypes.sort().join(', ')} } from 'gati';`);
  for (const [f, names] of [...imports].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`import type { ${[...new Set(names)].sort().join(', ')} } from '${typesRel}/${f.replace(/\.ts$/, '.js')}';`);
  }
  lines.push('');
  if (v.routeMode === 'export') lines.push(`export const route = '${info.route}';`, '');
  lines.push(local, '');
  const ok = info.audit ? `AuditEnvelope<${v.ok}>` : v.ok;
  const output = v.plain ? ok : `{ ${v.okStatus}: ${ok}; ${v.err.status}: ${v.err.type} }`;
  const inputType = v.input(i);
  const body = [];
  body.push(`  lctx.log.debug({ handler: ${i}, value: ${v.uses(i)} }, '${info.route}');`);
  if (info.module) {
    body.push(`  const found = await gctx.modules.${info.module}.exists(lctx.requestId);`);
    body.push(`  if (!found) lctx.log.warn({ module: '${info.module}' }, 'not found');`);
  }
  if (v.plain) body.push(`  throw new HttpError(404, { error: 'NotFound' });`);
  else {
    body.push(`  res.status = ${v.err.status};`);
    body.push(`  return res.json(${v.err.value});`);
  }
  if (info.form === 'const') {
    lines.push(`export const handler: Handler<${inputType}, ${output}> = async (req, res, gctx, lctx) => {`);
  } else {
    lines.push(`export async function handler(`, `  req: Req<${inputType}>,`, `  res: Res<${output}>,`, `  gctx: GlobalContext,`, `  lctx: LocalContext,`, `) {`);
  }
  lines.push(...body);
  lines.push(info.form === 'const' ? '};' : '}', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Modules (30): typed async functions over the shared types (never audit.ts).

const MODULE_TYPES = [
  ['user.ts', 'User', 'UserPatch'],
  ['order.ts', 'Order', 'PaymentMethod'],
  ['catalog.ts', 'Product', 'Category'],
  ['events.ts', 'Comment', 'Event'],
  ['billing.ts', 'Invoice', 'InvoiceLine'],
  ['inventory.ts', 'Stock', 'Stock'],
  ['messaging.ts', 'Message', 'Attachment'],
  ['geo.ts', 'Place', 'GeoPoint'],
];

function moduleSource(j) {
  const [file, main, other] = MODULE_TYPES[j % MODULE_TYPES.length];
  const names = [...new Set([main, other])].sort();
  return `// Generated by bench/gen-app.mjs (module m${j}).
import type { GlobalContext, Logger } from 'gati';
import type { Page } from '../types/common.js';
import type { ${names.join(', ')} } from '../types/${file.replace(/\.ts$/, '.js')}';

const store = new Map<string, ${main}>();
let log: Logger | undefined;

export async function init(gctx: GlobalContext): Promise<void> {
  log = gctx.log.child({ module: 'm${j}' });
}

export async function exists(id: string): Promise<boolean> {
  return store.has(id);
}

export async function load(id: string): Promise<${main} | undefined> {
  log?.debug({ id }, 'load');
  return store.get(id);
}

export async function save(id: string, value: ${main}): Promise<void> {
  store.set(id, value);
}

export async function list(page: number, size: number): Promise<Page<${main}>> {
  const items = [...store.values()].slice(page * size, (page + 1) * size);
  return { items, total: store.size };
}

export async function annotate(id: string, extra: ${other}): Promise<{ id: string; extra: ${other} }> {
  return { id, extra };
}

export async function close(): Promise<void> {
  store.clear();
}
`;
}

// ---------------------------------------------------------------------------------------------

/**
 * A fresh app folder with package.json and a strict tsconfig whose `gati` path points at this
 * repository's types; returns the writer for the app's files. Shared with bench/http/gen-app.mjs.
 */
export function scaffoldApp(outDir, name) {
  rmSync(outDir, { recursive: true, force: true });
  const write = (rel, text) => {
    const full = join(outDir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  const shim = relative(outDir, join(REPO_ROOT, 'runtime-shim', 'index.ts')).split(sep).join('/');
  write('package.json', JSON.stringify({ name, private: true, type: 'module', dependencies: { gati: '*' } }, null, 2) + '\n');
  write('tsconfig.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', types: [],
      strict: true, noEmit: true, isolatedModules: true, verbatimModuleSyntax: true, skipLibCheck: true,
      forceConsistentCasingInFileNames: true, paths: { gati: [shim] },
    },
    include: ['src', '.gati/generated'],
  }, null, 2) + '\n');
  return write;
}

/** `handlers` below 500 makes a smaller app of the same shapes (bench/guard.mjs: a short dev loop). */
export function generateApp(outDir = DEFAULT_APP_DIR, { handlers: count = HANDLERS } = {}) {
  const write = scaffoldApp(outDir, 'bench-app');
  for (const [name, text] of Object.entries(TYPE_FILES)) write(`src/types/${name}`, text);
  for (let j = 0; j < MODULES; j++) write(`src/modules/m${j}.ts`, moduleSource(j));
  const handlers = [];
  for (let i = 0; i < count; i++) {
    const info = handlerInfo(i);
    write(info.file, handlerSource(i));
    handlers.push(info);
  }
  const modLines = [];
  for (let j = 0; j < MODULES; j++) modLines.push(`    m${j}: typeof import('../../src/modules/m${j}.js');`);
  write('.gati/generated/context.ts', `// Generated by bench/gen-app.mjs: what \`gati build\` would write.\ndeclare module 'gati' {\n  interface GatiModules {\n${modLines.join('\n')}\n  }\n}\nexport {};\n`);
  const manifest = {
    generatorVersion: GENERATOR_VERSION,
    handlers: count,
    modules: MODULES,
    typeFiles: Object.keys(TYPE_FILES).length,
    sharedFile: SHARED_FILE,
    sharedUsers: handlers.filter((h) => h.audit).length,
    constForm: handlers.filter((h) => h.form === 'const').length,
    functionForm: handlers.filter((h) => h.form === 'function').length,
    moduleUsers: handlers.filter((h) => h.module).length,
  };
  write(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  return { dir: outDir, manifest, handlers };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_APP_DIR;
  const { manifest } = generateApp(out);
  console.log(`generated ${relative(process.cwd(), out) || '.'}: ${JSON.stringify(manifest)}`);
}
