// A hand-written validator of the POST scenario's body (NewOrder in bench/http/gen-app.mjs): every
// constraint the Gati and Fastify servers check, as a careful engineer would write it by hand, no
// library. With it, raw node:http (`RAW_VALIDATE=1`, run.mjs's `raw-validated`) is the physical
// ceiling for a validated POST: the floor of what a validated request costs on node:http.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const SKU = /^[A-Z0-9-]{3,32}$/;
const CURRENCIES = new Set(['USD', 'EUR', 'INR', 'GBP']);
const ORDER_KEYS = new Set(['customerEmail', 'currency', 'items', 'shipping', 'note', 'express']);
const ITEM_KEYS = new Set(['sku', 'qty', 'price']);
const SHIPPING_KEYS = new Set(['name', 'line1', 'city', 'country', 'postcode']);

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v, min, max) => typeof v === 'string' && v.length >= min && v.length <= max;
function onlyKeys(o, allowed) {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

/** True when `b` is a valid NewOrder. */
export function validOrder(b) {
  if (!isObject(b) || !onlyKeys(b, ORDER_KEYS)) return false;
  if (typeof b.customerEmail !== 'string' || !EMAIL.test(b.customerEmail)) return false;
  if (!CURRENCIES.has(b.currency) || typeof b.express !== 'boolean') return false;
  if (b.note !== undefined && !str(b.note, 0, 200)) return false;
  const items = b.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > 50) return false;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!isObject(it) || !onlyKeys(it, ITEM_KEYS)) return false;
    if (typeof it.sku !== 'string' || !SKU.test(it.sku)) return false;
    if (!Number.isInteger(it.qty) || it.qty < 1 || it.qty > 1000) return false;
    if (typeof it.price !== 'number' || !(it.price >= 0)) return false;
  }
  const s = b.shipping;
  if (!isObject(s) || !onlyKeys(s, SHIPPING_KEYS)) return false;
  if (!str(s.name, 1, 100) || !str(s.line1, 1, 200) || !str(s.city, 1, 100) || !str(s.country, 2, 2)) return false;
  if (s.postcode !== undefined && !str(s.postcode, 0, 12)) return false;
  return true;
}
