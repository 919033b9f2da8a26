// Where a config key is written in the config file's text, for the span of a config diagnostic.
// Its own file so that validate-config.ts and the checks it runs (check-deploy.ts, check-effects.ts)
// all import it without importing each other in a circle.

/** Where `key` is first written in the config text (`key:`, `"key":`), else the file's start. */
export function locateKey(text: string, file: string, key: string): { file: string; line: number; column: number } {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = key ? new RegExp(`(^|[\\s{,])["']?${escaped}["']?\\s*:`, 'm').exec(text) : null;
  if (!match) return { file, line: 1, column: 1 };
  const offset = match.index + match[1]!.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, column: offset - before.lastIndexOf('\n') };
}
