// The body parser's prototype-poisoning refusal (runtime-shim/server/safe-json.ts): JSON.parse with
// a walk of the result only when the text may hold `__proto__` or `constructor` keys. Every way of
// writing those keys (nested, in arrays, with whitespace, with JSON escapes) must be refused exactly
// as before the fast path; ordinary bodies, and the words as values, must parse as JSON.parse does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PoisonedJsonError, parseJson } from '../runtime-shim/server/safe-json.js';

const test = suite('safe JSON parse');

const PROTO = [
  '{"__proto__":{"admin":true}}',
  '{"a":1,"__proto__" : {"admin":true}}',
  '{"a":{"b":[{"c":{"__proto__":{"admin":true}}}]}}',
  '[{"__proto__":{"admin":true}}]',
  String.raw`{"\u005f_proto__":{"admin":true}}`,
  String.raw`{"a":[{"\u005F\u005Fproto\u005F\u005F":1}]}`,
  String.raw`{"__pr\u006fto__":null}`,
];
const CONSTRUCTOR = [
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"a":{"b":{"constructor":\n{"prototype":{}}}}}',
  '[[{"constructor":{"prototype":1}}]]',
  String.raw`{"constructo\u0072":{"prototype":{"admin":true}}}`,
  String.raw`{"a":{"\u0063onstructor":{"prototyp\u0065":{}}}}`,
];

test('every spelling of a __proto__ key is refused', () => {
  for (const text of PROTO) assert.throws(() => parseJson(text), (e: unknown) => e instanceof PoisonedJsonError && /__proto__/.test((e as Error).message), text);
});

test('every spelling of constructor.prototype is refused', () => {
  for (const text of CONSTRUCTOR) assert.throws(() => parseJson(text), (e: unknown) => e instanceof PoisonedJsonError && /constructor\.prototype/.test((e as Error).message), text);
});

test('ordinary bodies, escapes, and the words as values or harmless keys parse as JSON.parse does', () => {
  const fine = [
    '{"a":1,"b":[1,2,{"c":"d"}]}',
    String.raw`{"name":"caf\u00e9 \"quoted\" \\ \n","emoji":"\ud83d\ude00"}`,
    '{"note":"__proto__","other":"constructor"}',
    '{"constructor":"a string"}',
    '{"constructor":{"name":"no prototype key"}}',
    String.raw`{"k\u0065y":"__proto__ as a value"}`,
    '"__proto__"', '42', 'null', '[]',
  ];
  // Compared as text: uvu's deep equality reads a `constructor` key as the object's class.
  for (const text of fine) assert.is(JSON.stringify(parseJson(text)), JSON.stringify(JSON.parse(text)), text);
  assert.is(({} as Record<string, unknown>).admin, undefined);
});

test('invalid JSON still throws JSON.parse\'s SyntaxError', () => {
  assert.throws(() => parseJson('{"a":'), (e: unknown) => e instanceof SyntaxError);
});

test.run();
