// The registry of diagnostic codes. A code is never reused or renumbered; a retired code stays
// here marked `retired`. docs/diagnostics.md documents each one (a test keeps the two in sync).
// Ranges: 1xxx analysis, 2xxx handler and route rules, 3xxx emit, 4xxx config, 5xxx versions, 9xxx internal.

export interface DiagnosticCode {
  code: string;
  title: string;
  /** What the user can do about it; printed under the message. */
  hint?: string;
  retired?: boolean;
}

function define<T extends Record<string, Omit<DiagnosticCode, 'code'>>>(codes: T): { [K in keyof T]: DiagnosticCode } {
  const out = {} as { [K in keyof T]: DiagnosticCode };
  for (const key of Object.keys(codes) as (keyof T)[]) out[key] = { code: key as string, ...codes[key] };
  return out;
}

export const CODES = define({
  GATI1001: { title: 'A function cannot cross the wire', hint: 'Send data, not behaviour: remove the property or give it a serializable type.' },
  GATI1002: { title: 'A symbol cannot cross the wire', hint: 'Use a string or a string literal union instead of a symbol.' },
  GATI1003: { title: 'A class instance with methods cannot cross the wire', hint: 'Declare an interface with the data fields and convert the instance to it before answering.' },
  GATI1004: { title: 'A bigint cannot cross the wire', hint: 'Use `string & tags.Pattern<"^-?[0-9]+$">` or `number & tags.Type<"int64">`.' },
  GATI1005: { title: 'A Map, Set or other collection class cannot cross the wire', hint: 'Use `Record<string, V>` instead of a Map and an array (`V[] & tags.UniqueItems`) instead of a Set.' },
  GATI1006: { title: 'An unresolved generic type parameter cannot cross the wire', hint: 'Instantiate the generic at the use site (`Page<User>`), so the compiler knows the concrete type.' },
  GATI1007: { title: 'A type the compiler does not support', hint: 'Rewrite the type with the constructs listed in the README ("What the analyzer supports"), or report it if it should be supported.' },
  GATI1008: { title: 'A constraint has an invalid value', hint: 'Check the tag or JSDoc value: numbers for min/max/length/items, a valid regular expression for a pattern, a known format name.' },
  GATI1009: { title: 'A constraint does not apply to this type', hint: 'String constraints go on strings, numeric ones on numbers, item constraints on arrays.' },
  GATI1010: { title: 'TypeScript syntax error', hint: 'Fix the syntax error; `tsc --noEmit` shows the same problem.' },
  GATI1011: { title: 'A type that no value can have (never) in a wire position', hint: 'A `never` usually comes from an intersection of incompatible types; check the types it is built from.' },
  GATI1012: { title: 'An import that cannot be resolved', hint: 'Check the path and its extension: relative imports in ESM name the file, e.g. `../types/user.js` for `../types/user.ts`.' },
  GATI2001: { title: 'Handler file without a `handler` export', hint: 'Export the handler: `export const handler: Handler<…> = async (req, res) => { … }`. Files whose name starts with `_` are never routes.' },
  GATI2002: { title: 'Invalid `route` string', hint: "A route is '<METHOD> <path>': METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, WS; the path starts with '/', segments are literals, ':name' or a final '*'." },
  GATI2003: { title: 'The `route` export is not a string literal', hint: "Write the route as a literal: `export const route = 'GET /users/:id';` (the compiler reads it without running your code)." },
  GATI2004: { title: 'Duplicate route', hint: 'Two handlers answer the same method and path: remove one, or change its route.' },
  GATI2005: { title: 'Routes conflict in the route tree', hint: 'At the same position, parameters must have one name (`:id` everywhere) and a wildcard must be the last segment.' },
  GATI2006: { title: 'A `params` key is not in the route path', hint: "Every key of `params` must be a `:name` segment of the route (or '*' for a trailing wildcard)." },
  GATI2007: { title: 'A path or query parameter has a type that cannot be read from a URL', hint: 'Path params are string, number, integer, boolean, a literal union or an enum; query params may also be arrays of those.' },
  GATI2008: { title: 'Invalid handler input type', hint: 'The input type is an object with the optional keys params, query, headers and body; params, query and headers are objects.' },
  GATI2009: { title: 'Invalid output status map', hint: 'An output map has HTTP status codes (100–599) as keys: `{ 200: User; 404: { error: "NotFound" } }`.' },
  GATI2010: { title: 'Invalid module name', hint: 'A module is reached as `gctx.modules.<fileName>`: name the file with a JavaScript identifier that is not a reserved word.' },
  GATI2011: { title: 'Effect file without a `run` export', hint: 'Export the job: `export async function run(payload: P, gctx: GlobalContext, ectx: EffectContext) { … }`.' },
  GATI2012: { title: 'Invalid effect name', hint: 'An effect is enqueued by its file name: use a JavaScript identifier.' },
  GATI2013: { title: 'A GET or HEAD route declares a body', hint: 'Clients and proxies drop bodies on GET and HEAD: move the fields to `query`, or use POST.' },
  GATI2014: { title: 'No src/handlers folder', hint: 'Create src/handlers/ with one handler per file, or run `gati init` to start from a template.' },
  GATI2015: { title: 'Invalid `retry` export of an effect', hint: "Write it as a literal: `export const retry = { attempts: 5, backoff: 'exponential', delayMs: 500 };`." },
  GATI2016: { title: 'A WebSocket route without a `WsHandler`', hint: "A 'WS' route exports an object of callbacks: `export const handler: WsHandler<{ params: { room: string } }, { in: In; out: Out }> = { open(ws) { … }, message(ws, msg) { … } }`." },
  GATI2017: { title: 'An HTTP route exports a `WsHandler`', hint: "A `WsHandler` serves a WebSocket route: name the file `<name>.ws.ts` or export `route = 'WS /path'`; an HTTP route exports a `Handler` function." },
  GATI3010: { title: "Routes of two handler folders share a path prefix under split 'domain'", hint: "With `split: 'domain'` the Ingress routes each first path segment to one folder's Deployment: move the routes so that a first segment (or the root catch-all) belongs to one top-level folder of src/handlers, or use `split: 'none'`." },
  GATI3011: { title: 'The app has effects, and a deploy environment has no queue its pods share', hint: "Deployed pods share one queue through Redis: set `effects: { backend: 'redis', url: 'redis://…' }`, or `effects: { backend: 'redis' }` with REDIS_URL in `deploy.<env>.secrets`. SQLite is for one machine (`gati dev`, `gati start`)." },
  GATI4001: { title: 'Unknown config key', hint: 'Check the spelling against the config reference in the README.' },
  GATI4002: { title: 'Invalid config value', hint: 'Check the type of the value against the config reference in the README.' },
  GATI4003: { title: 'The config file could not be loaded', hint: 'Fix the error in the config file; it must default-export the config (`export default defineConfig({ … })`).' },
  GATI4004: { title: 'More than one config file', hint: 'Keep one gati.config file and delete the others.' },
  GATI4010: { title: 'Deploy bounds out of order', hint: 'A minimum must not exceed its maximum: replicas.min ≤ replicas.max, resources.requests ≤ resources.limits.' },
  GATI4011: { title: 'A deploy provider is missing a key it needs, or has one it cannot use', hint: 'See "Deployment" in the README for the keys each provider needs (aws: domain, aws.hostedZoneId; gcp: domain; azure: domain, azure.resourceGroup; custom: custom.deployScript).' },
  GATI4012: { title: 'Two regions deploy to the same cluster and namespace', hint: "Give each region its own kubectl context with `kubeContext: '<prefix>-{region}'` (the current context is used when it is absent), or its own namespace with `namespace: '<app>-{region}'`." },
  GATI4020: { title: 'The effects backend cannot be reached as configured', hint: "effects.backend 'redis' needs a URL: set REDIS_URL=redis://<host>:6379 in the environment (or effects.url, or deploy.<env>.effects.url), or use effects.backend 'sqlite' on one machine." },
  GATI4021: { title: 'An effects key the chosen backend does not read', hint: "effects.url is read by the 'redis' backend only, effects.path by 'sqlite' only: set the backend that reads it, or remove the key." },
  GATI4030: { title: 'A config module without exactly one known source', hint: "Write one of `{ npm: 'package' }`, `{ http: 'http://host:port' }` or `{ container: { image: 'repo/name:tag', port: 8080 } }` under modules.<name>." },
  GATI4031: { title: "A config module's interface file does not exist", hint: "Give 'interface' the path, from the app root, of a `.contract.ts` file of `export declare function f(a: A): Promise<R>;` declarations." },
  GATI4032: { title: 'A module interface file declares no functions', hint: 'Declare each function the service answers: `export declare function rank(items: Item[]): Promise<Ranked[]>;`.' },
  GATI4033: { title: 'A config module has the name of a local module', hint: 'Rename the config module or the file in src/modules: each `gctx.modules.<name>` is one module.' },
  GATI4034: { title: "A config module's http URL is invalid", hint: "Write the service's base URL with its scheme and no query: `http: 'http://ranker:8080'`." },
  GATI4035: { title: 'A container module without an image or with an invalid port', hint: "Write `container: { image: 'ghcr.io/acme/resize:1.4', port: 8080 }` (port defaults to 8080; `dev: { command }` belongs to container modules)." },
  GATI5001: { title: 'A breaking API change without a version change', hint: 'Run `gati versions new "<what changed>"` and migrate the route in the file it creates, or override the rule in versioning.rules.' },
  GATI5002: { title: 'A version change file the compiler cannot read', hint: "Write `export default defineVersionChange({ description: '…', routes: { 'POST /x': { request(old) { … }, response(body, status) { … } } } })` with literal keys." },
  GATI5003: { title: 'An API snapshot cannot be read', hint: 'Snapshots in .gati/versions/ are written by gati build and never edited: restore the file from version control.' },
  GATI9001: { title: 'Internal error', hint: 'This is a bug in Gati, not in your code. Please report it with the message and stack above.' },
  GATI9002: { title: 'The server bundle failed', hint: 'esbuild could not bundle what the analysis accepted; please report it with the message above.' },
});

export type Code = keyof typeof CODES;

export function lookupCode(code: string): DiagnosticCode | undefined {
  return (CODES as Record<string, DiagnosticCode>)[code.toUpperCase()];
}
