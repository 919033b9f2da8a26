// `{{name}}` in a step's params, query, headers and body, replaced by the flow's variables
// (gati.env). A string that is exactly one placeholder takes the variable's value as it is (a
// number stays a number in a JSON body); inside a longer string the value is written as text.
import type { Json } from '../sandbox/script-api.js';

const PLACEHOLDER = /\{\{\s*([\w.$-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w.$-]+)\s*\}\}$/;

/** A placeholder whose variable is not set. */
export class MissingVariable extends Error {
  constructor(readonly variable: string) {
    super(`{{${variable}}} is not set (not a flow variable, nor set by an earlier step with gati.env.set)`);
  }
}

const lookup = (env: Record<string, Json>, name: string): Json => {
  if (!Object.hasOwn(env, name) || env[name] === undefined) throw new MissingVariable(name);
  return env[name]!;
};

const asText = (value: Json): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A string with every placeholder replaced by the variable's text. */
export function interpolateText(text: string, env: Record<string, Json>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => asText(lookup(env, name)));
}

/** A JSON value with placeholders replaced in its strings (keys are left alone). */
export function interpolateJson(value: Json, env: Record<string, Json>): Json {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    return whole ? lookup(env, whole[1]!) : interpolateText(value, env);
  }
  if (Array.isArray(value)) return value.map((item) => interpolateJson(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateJson(item, env)]));
  return value;
}
