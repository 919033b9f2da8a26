// Where a config key is written in the config file's text, for the span of a config diagnostic.
// Its own file so that validate-config.ts and the checks it runs (check-deploy.ts, check-effects.ts)
// all import it without importing each other in a circle.
import { locate, locateOffset, type SourceLocation } from '../diagnostics/location.js';

/** Where `key` is first written in the config text (`key:`, `"key":`), else the file's start. */
export function locateKey(text: string, file: string, key: string): SourceLocation {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = key ? new RegExp(`(^|[\\s{,])["']?${escaped}["']?\\s*:`, 'm').exec(text) : null;
  if (!match) return locate({ file, line: 1, column: 1 }, text);
  return locateOffset(file, text, match.index + match[1]!.length, 1);
}
