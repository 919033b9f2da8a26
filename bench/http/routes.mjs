// The 100-route table shared by the three HTTP benchmark servers (bench/http/gen-app.mjs writes the
// Gati app from it; fastify-server.mjs and raw-server.mjs serve the same routes). Not runnable.
//
//   80  20 resources × { GET /r, GET /r/:id, POST /r, POST /r/:id/<action> }
//   10  two-param routes  GET /<parent>/:<p>Id/<child>/:<c>Id  -> { <p>Id, <c>Id }
//    1  POST /users/:userId/orders  (the POST scenario: ~300-byte body, 201 with 6 fields)
//    9  static GET routes, incl. GET /health
//
// Parents of the two-param routes are never resources, so a path position has one parameter name
// (Gati's GATI2005 rule).

export const RESOURCES = [
  ['payments', 'capture'], ['invoices', 'send'], ['customers', 'merge'], ['products', 'publish'],
  ['carts', 'checkout'], ['shipments', 'dispatch'], ['refunds', 'approve'], ['coupons', 'redeem'],
  ['reviews', 'flag'], ['tickets', 'close'], ['subscriptions', 'cancel'], ['plans', 'archive'],
  ['warehouses', 'audit'], ['suppliers', 'verify'], ['returns', 'receive'], ['notifications', 'resend'],
  ['webhooks', 'replay'], ['reports', 'export'], ['files', 'scan'], ['sessions', 'revoke'],
];

/** [parent, parentParam, child, childParam]; the first is the GET scenario. */
export const PAIRS = [
  ['users', 'userId', 'orders', 'orderId'],
  ['teams', 'teamId', 'members', 'memberId'],
  ['orgs', 'orgId', 'projects', 'projectId'],
  ['stores', 'storeId', 'items', 'itemId'],
  ['sellers', 'sellerId', 'listings', 'listingId'],
  ['regions', 'regionId', 'zones', 'zoneId'],
  ['venues', 'venueId', 'events', 'eventId'],
  ['fleets', 'fleetId', 'vehicles', 'vehicleId'],
  ['clubs', 'clubId', 'players', 'playerId'],
  ['schools', 'schoolId', 'classes', 'classId'],
];

/** Static GET routes and their fixed answers. */
export const STATICS = {
  '/health': { ok: true },
  '/version': { version: '1.0.0' },
  '/status': { status: 'up' },
  '/ping': { pong: true },
  '/config': { region: 'local', debug: false },
  '/features': { flags: ['a', 'b'] },
  '/time': { zone: 'UTC' },
  '/limits': { rps: 1000 },
  '/users': { items: [], total: 0 },
};

export const GET_PATH = '/users/42/orders/1337';
export const POST_PATH = '/users/7/orders';

/** All 100 routes as [METHOD, path] (path params written :name). */
export function routeList() {
  const out = [];
  for (const [r, action] of RESOURCES) {
    out.push(['GET', `/${r}`], ['GET', `/${r}/:id`], ['POST', `/${r}`], ['POST', `/${r}/:id/${action}`]);
  }
  for (const [p, pp, c, cp] of PAIRS) out.push(['GET', `/${p}/:${pp}/${c}/:${cp}`]);
  out.push(['POST', '/users/:userId/orders']);
  for (const path of Object.keys(STATICS)) out.push(['GET', path]);
  return out;
}

/** The order answer of POST /users/:userId/orders (6 fields), computed the same way by every server. */
export function orderAnswer(userId, body) {
  let total = 0;
  for (const it of body.items) total += it.qty * it.price;
  return { id: 'ord_' + userId + '_' + body.items.length, userId, status: 'created', itemCount: body.items.length, total, currency: body.currency };
}
