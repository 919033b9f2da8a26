// A diagnostic copies its source line when it is made, and the code frame is printed from that
// copy: in `gati dev` a file may be saved again between the analysis and the print, and the frame
// must still show the line the message is about. Notes carry the same location, so they underline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { BuildSession, buildApp } from '../driver/build.js';
import { diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../compiler/diagnostics/format.js';
import { locate, locateOffset } from '../compiler/diagnostics/location.js';
import { fixture } from './helpers/paths.js';
import { gatiSync } from './helpers/server.js';

/** A temp copy of fixtures/invalid/<name> (it has no dependencies of its own: `gati` resolves to this package). */
function copyInvalid(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gati-frames-${name}-`));
  cpSync(fixture('invalid', name), dir, { recursive: true });
  return dir;
}

test('a file saved again after the analysis: the frame shows the analysed line, a rebuild the new one', async () => {
  const root = copyInvalid('gati1004-bigint-property');
  try {
    const session = new BuildSession(root, { infra: false, versions: 'skip' });
    const first = await session.build();
    const bigint = first.diagnostics.find((d) => d.code === 'GATI1004');
    assert.ok(bigint, first.diagnostics.map((d) => d.message).join('\n'));
    const file = join(root, 'src/handlers/transfers.ts');
    const analysed = readFileSync(file, 'utf8');
    // Three lines above shift everything down; the field itself changes too.
    writeFileSync(file, `// one\n// two\n// three\n${analysed.replace('amount: bigint;', 'amountInCents: bigint; // edited')}`);
    const printed = formatDiagnostic(bigint!);
    assert.ok(printed.includes(['  6 |   to: string;', '> 7 |   amount: bigint;', '    |   ~~~~~~~~~~~~~~~', '  8 | }'].join('\n')), printed);
    assert.not.match(printed, 'edited');
    // The rebuild analyses the new text, and its diagnostic copies the new line.
    const second = await session.rebuild([file]);
    const again = second.diagnostics.find((d) => d.code === 'GATI1004')!;
    assert.match(formatDiagnostic(again), '> 10 |   amountInCents: bigint; // edited');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a note from the route table keeps its line too, and --format json carries the copied lines', async () => {
  const root = copyInvalid('gati2004-duplicate-route');
  try {
    const result = await buildApp(root, { infra: false, versions: 'skip' });
    const duplicate = result.diagnostics.find((d) => d.code === 'GATI2004')!;
    const note = duplicate.notes[0]!;
    assert.is(note.span?.file, 'src/handlers/profiles.ts');
    const profiles = join(root, 'src/handlers/profiles.ts');
    const analysed = readFileSync(profiles, 'utf8').split('\n')[note.span!.line - 1]!;
    assert.is(note.span!.lineText, analysed);
    writeFileSync(profiles, `\n\n${readFileSync(profiles, 'utf8')}`);
    assert.match(formatDiagnostic(duplicate), `> ${note.span!.line} | ${analysed}`);
    rmSync(profiles);
    assert.match(formatDiagnostic(duplicate), `> ${note.span!.line} | ${analysed}`, 'a deleted file still has its frame');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const r = gatiSync(['build', fixture('invalid', 'gati2004-duplicate-route'), '--format', 'json']);
  assert.is(r.status, 1, r.stderr);
  type Location = { file: string; line: number; column: number; length: number; lineText: string };
  const out = JSON.parse(r.stdout) as { diagnostics: { code: string; span: Location; notes: { span: Location }[]; length?: number }[] };
  const d = out.diagnostics.find((x) => x.code === 'GATI2004')!;
  const lineOf = (l: Location) => readFileSync(join(fixture('invalid', 'gati2004-duplicate-route'), l.file), 'utf8').split('\n')[l.line - 1];
  assert.is(d.span.lineText, lineOf(d.span));
  assert.is(d.span.length, 1);
  assert.is(d.notes[0]!.span.lineText, lineOf(d.notes[0]!.span));
  assert.is(d.length, undefined, 'the length is part of the span');
});

test('a note in a library declaration underlines the declaration', async () => {
  const result = await buildApp(fixture('library-types'), { infra: false, versions: 'skip' });
  const date = result.diagnostics.find((d) => d.message.includes("'body.at.getTime'"))!;
  const note = date.notes[0]!.span!;
  assert.match(note.file, /typescript\/lib\/lib\.es5\.d\.ts$/);
  assert.is(note.lineText, '    getTime(): number;');
  assert.is(note.length, 'getTime(): number;'.length);
  const printed = formatDiagnostic(date);
  assert.match(printed, new RegExp(`> ${note.line} \\|     getTime\\(\\): number;\\n +\\|     ~{18}\\n`));
});

test('the printed shape: frame with neighbours, clipped underline, a note with its own underline', () => {
  const text = 'const a = 1;\nexport const route = 123;\nexport const b = 2;\n';
  const d = diagnostic('GATI2003', 'the `route` export must be a string literal', {
    span: locateOffset('src/handlers/x.ts', text, text.indexOf('123'), 3),
    notes: [{ message: 'declared here', span: locate({ file: 'src/handlers/x.ts', line: 1, column: 7 }, text, 1000) }, { message: 'no location' }],
  });
  assert.is(
    formatDiagnostic(d),
    [
      'src/handlers/x.ts:2:22 - error GATI2003: the `route` export must be a string literal',
      '',
      '  1 | const a = 1;',
      '> 2 | export const route = 123;',
      '    |                      ~~~',
      '  3 | export const b = 2;',
      '',
      '  src/handlers/x.ts:1:7 - declared here',
      '> 1 | const a = 1;',
      '    |       ~~~~~~',
      '  2 | export const route = 123;',
      '',
      '  no location',
      '',
      "  hint: Write the route as a literal: `export const route = 'GET /users/:id';` (the compiler reads it without running your code).",
    ].join('\n'),
  );
});

test('locations are split like the file: CRLF, a final newline, the first and a missing line', () => {
  const crlf = 'one\r\ntwo\r\nthree';
  assert.equal(locate({ file: 'f', line: 2, column: 1 }, crlf), { file: 'f', line: 2, column: 1, length: 1, lineText: 'two', previousLine: 'one', nextLine: 'three' });
  assert.equal(locate({ file: 'f', line: 1, column: 1 }, 'only\n'), { file: 'f', line: 1, column: 1, length: 1, lineText: 'only', nextLine: '' });
  assert.equal(locate({ file: 'f', line: 3, column: 1 }, 'a\nb'), { file: 'f', line: 3, column: 1, length: 1 }, 'past the end: no line, no frame');
  assert.equal(locate({ file: 'f', line: 1, column: 1 }, undefined, 0), { file: 'f', line: 1, column: 1, length: 1 });
  // Offsets agree with TypeScript's line and character, with or without its line starts.
  const text = 'a\n\nbb\r\nccc\n';
  const sf = ts.createSourceFile('f.ts', text, ts.ScriptTarget.Latest);
  for (let offset = 0; offset < text.length; offset++) {
    if (text[offset] === '\n' || text[offset] === '\r') continue;
    const { line, character } = sf.getLineAndCharacterOfPosition(offset);
    const expected = { line: line + 1, column: character + 1 };
    for (const at of [locateOffset('f.ts', text, offset, 1), locateOffset('f.ts', text, offset, 1, sf.getLineStarts())]) {
      assert.equal({ line: at.line, column: at.column }, expected);
      assert.is(at.lineText![at.column - 1], text[offset]);
    }
  }
});

test.run();
