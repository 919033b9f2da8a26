#!/usr/bin/env node
// Fastify 5 server with the same 100 routes as the Gati app of bench/http/gen-app.mjs (table in
// bench/http/routes.mjs). Every route carries the JSON Schemas equivalent to the Gati handler's types:
// params/query/body and the response (so Fastify validates with AJV as it configures it by default
// (@fastify/ajv-compiler: coerceTypes 'array', useDefaults, removeAdditional, ajv-formats) and
// serializes with fast-json-stringify). Logger off (Fastify's default); FASTIFY_LOGGER=1 turns it on
// (`logger: true`: pino, one JSON line per request received and per response, on stdout).
//
// BENCH_MIDDLEWARE=1: the twin of the Gati app's root _middleware.ts (gen-app.mjs), an async onRequest
// hook on every route: reads x-tenant, keeps it on the request, sets x-served-by.
//
// Usage: PORT=3200 HOST=127.0.0.1 node bench/http/fastify-server.mjs
//        FASTIFY_SCHEMAS=targets  only the two scenario routes get schemas (the research's cold-start setup)
import Fastify from 'fastify';
import { PAIRS, RESOURCES, STATICS, orderAnswer } from './routes.mjs';

const ALL = process.env.FASTIFY_SCHEMAS !== 'targets';

const str = { type: 'string' };
const currency = { type: 'string', enum: ['USD', 'EUR', 'INR', 'GBP'] };
export const NEW_ORDER = {
  type: 'object',
  properties: {
    customerEmail: { type: 'string', format: 'email' },
    currency,
    items: {
      type: 'array', minItems: 1, maxItems: 50,
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', pattern: '^[A-Z0-9-]{3,32}$' },
          qty: { type: 'integer', minimum: 1, maximum: 1000 },
          price: { type: 'number', minimum: 0 },
        },
        required: ['sku', 'qty', 'price'],
        additionalProperties: false,
      },
    },
    shipping: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        line1: { type: 'string', minLength: 1, maxLength: 200 },
        city: { type: 'string', minLength: 1, maxLength: 100 },
        country: { type: 'string', minLength: 2, maxLength: 2 },
        postcode: { type: 'string', maxLength: 12 },
      },
      required: ['name', 'line1', 'city', 'country'],
      additionalProperties: false,
    },
    note: { type: 'string', maxLength: 200 },
    express: { type: 'boolean' },
  },
  required: ['customerEmail', 'currency', 'items', 'shipping', 'express'],
  additionalProperties: false,
};
const ORDER_CREATED = {
  type: 'object',
  properties: { id: str, userId: str, status: { type: 'string', const: 'created' }, itemCount: { type: 'integer' }, total: { type: 'number' }, currency },
  required: ['id', 'userId', 'status', 'itemCount', 'total', 'currency'],
  additionalProperties: false,
};
const obj = (props, required = Object.keys(props)) => ({ type: 'object', properties: props, required, additionalProperties: false });
const params = (...names) => obj(Object.fromEntries(names.map((n) => [n, str])));

function schemaOf(value) {
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOf(value[0]) : obj({ id: str }) };
  if (value !== null && typeof value === 'object') return obj(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaOf(v)])));
  return { type: typeof value };
}

export function buildApp() {
  const app = Fastify({ logger: process.env.FASTIFY_LOGGER === '1' });
  const s = (schema) => (ALL ? { schema } : {});
  if (process.env.BENCH_MIDDLEWARE === '1') {
    app.decorateRequest('tenant', '');
    app.addHook('onRequest', async (req, reply) => {
      const given = req.headers['x-tenant'];
      req.tenant = typeof given === 'string' ? given : 'public';
      reply.header('x-served-by', 'bench');
    });
  }
  for (const [r, action] of RESOURCES) {
    app.get(`/${r}`, s({ querystring: obj({ limit: { type: 'integer', minimum: 1, maximum: 100 } }, []), response: { 200: obj({ items: { type: 'array', items: obj({ id: str }) }, total: { type: 'number' } }) } }),
      async () => ({ items: [], total: 0 }));
    app.get(`/${r}/:id`, s({ params: params('id'), response: { 200: obj({ id: str, kind: { type: 'string', const: r } }) } }),
      async (req) => ({ id: req.params.id, kind: r }));
    app.post(`/${r}`, s({ body: obj({ name: { type: 'string', minLength: 1, maxLength: 100 }, tags: { type: 'array', maxItems: 10, items: str } }, ['name']), response: { 201: obj({ id: str, name: str }) } }),
      async (req, reply) => { reply.code(201); return { id: `${r}_1`, name: req.body.name }; });
    app.post(`/${r}/:id/${action}`, s({ params: params('id'), response: { 200: obj({ id: str, action: { type: 'string', const: action }, ok: { type: 'boolean' } }) } }),
      async (req) => ({ id: req.params.id, action, ok: true }));
  }
  for (const [p, pp, c, cp] of PAIRS) {
    const schema = { params: params(pp, cp), response: { 200: obj({ [pp]: str, [cp]: str }) } };
    app.get(`/${p}/:${pp}/${c}/:${cp}`, p === 'users' ? { schema } : s(schema), async (req) => ({ [pp]: req.params[pp], [cp]: req.params[cp] }));
  }
  app.post('/users/:userId/orders', { schema: { params: params('userId'), body: NEW_ORDER, response: { 201: ORDER_CREATED } } },
    async (req, reply) => { reply.code(201); return orderAnswer(req.params.userId, req.body); });
  for (const [path, value] of Object.entries(STATICS)) {
    app.get(path, s({ response: { 200: schemaOf(value) } }), async () => value);
  }
  return app;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const app = buildApp();
  await app.listen({ port: Number(process.env.PORT ?? 3200), host: process.env.HOST ?? '127.0.0.1' });
}
