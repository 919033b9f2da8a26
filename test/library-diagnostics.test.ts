// Problems found inside library declarations (lib.*.d.ts, packages in node_modules) are reported
// at the app code that brought the type in, with the library position as a note: the user can
// only fix their own code, so the primary location must be there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp } from '../driver/build.js';
import { formatCompact, formatDiagnostic } from '../compiler/diagnostics/format.js';
import { fixture } from './helpers/paths.js';

const ROOT = fixture('library-types');

test('every diagnostic of types from libraries points into the app, with the library as a note', async () => {
  const result = await buildApp(ROOT, { infra: false, versions: 'skip' });
  const text = result.diagnostics.map(formatCompact).join('\n');
  assert.not.ok(result.ok);
  const files = new Set(result.diagnostics.map((d) => d.span?.file));
  for (const file of ['src/handlers/date-methods.ts', 'src/handlers/regexp.ts', 'src/handlers/job.ts', 'src/handlers/stream.ts']) {
    assert.ok(files.has(file), `a diagnostic in ${file}:\n${text}`);
  }
  for (const d of result.diagnostics) {
    assert.ok(d.span, `${formatCompact(d)} has a location`);
    assert.ok(d.span!.file.startsWith('src/'), `primary location in the app: ${formatCompact(d)}`);
  }
  const fromLibraries = result.diagnostics.filter((d) => d.notes.some((n) => n.span?.file.includes('node_modules/')));
  assert.ok(fromLibraries.some((d) => d.notes.some((n) => /typescript\/lib\/lib\.es5\.d\.ts$/.test(n.span!.file))), 'a note in lib.es5.d.ts');
  assert.ok(fromLibraries.some((d) => d.notes.some((n) => n.span!.file.includes('@types/node/'))), 'a note in @types/node');
  // Each is located at the property that holds the library type.
  const date = result.diagnostics.find((d) => d.message.includes("'body.at.getTime'"));
  assert.ok(date, text);
  const { file, line, column, lineText } = date!.span!;
  assert.equal({ file, line, column, lineText }, { file: 'src/handlers/date-methods.ts', line: 7, column: 3, lineText: "  at: Pick<Date, 'getTime' | 'toISOString'>;" });
  const printed = formatDiagnostic(date!);
  assert.match(printed, /> 7 \|   at: Pick<Date, 'getTime' \| 'toISOString'>;/);
  assert.match(printed, /node_modules\/typescript\/lib\/lib\.es5\.d\.ts:\d+:\d+ - 'body\.at\.getTime' is declared in a library file, here/);
});

test.run();
