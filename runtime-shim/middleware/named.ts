// Internal: the built-in middleware are functions made per configuration (`cors({...})`), anonymous
// as written; each gets its factory's name once, so its span reads `middleware cors` (not `#1`).
import type { Middleware } from '../types.js';

export function named<M extends Middleware>(name: string, mw: M): M {
  return Object.defineProperty(mw, 'name', { value: name, configurable: true });
}
