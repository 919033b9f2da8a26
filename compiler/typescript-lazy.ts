// TypeScript required at its first use rather than when the importing module loads (~0.3 s), for
// code on `gati dev`'s start path that needs it only sometimes: a version change file to read, a
// gati module's factory to make (a start whose analysis is cached builds no program at all).
import { createRequire } from 'node:module';
import type TS from './typescript.cjs';

let loaded: typeof TS | undefined;

export function typescript(): typeof TS {
  return (loaded ??= createRequire(import.meta.url)('./typescript.cjs') as typeof TS);
}
