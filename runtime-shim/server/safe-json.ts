// JSON.parse that refuses prototype poisoning (`__proto__`, `constructor.prototype`), as Fastify's
// secure-json-parse does: a cheap scan of the text first, a walk of the result only when it hits.
// A key can spell either name with escapes (`"\u005f_proto__"`), which the scan for the names as
// keys cannot see: any `\u` escape in the text sends it to the walk too (rare in bodies:
// JSON.stringify escapes only control characters and lone surrogates that way). The regular
// expression plus one indexOf: ~0.09 µs on a 300-byte body, cheaper than one expression with the
// escape as a third alternative (~0.14 µs) or three indexOf (~0.10 µs).
const KEY = /"(?:__proto__|constructor)"\s*:/;
const suspect = (text: string) => KEY.test(text) || text.includes('\\u');

export class PoisonedJsonError extends Error {}

export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || !suspect(text)) return value;
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop() as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) throw new PoisonedJsonError('"__proto__" is not allowed in a JSON body');
    const ctor = Object.prototype.hasOwnProperty.call(node, 'constructor') ? node.constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) {
      throw new PoisonedJsonError('"constructor.prototype" is not allowed in a JSON body');
    }
    for (const key in node) {
      const child = node[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}
