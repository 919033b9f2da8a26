// X-API-Version resolution (runtime-shim/versions/resolve.ts): every header form, and the 400 problems.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveVersion, parseTimestamp, VERSION_PROBLEM_TYPE } from '../runtime-shim/versions/resolve.js';

const VERSIONS = [
  { semver: '1.0.0', timestamp: '2025-01-10T09:00:00Z' },
  { semver: '1.1.0', timestamp: '2025-03-01T12:00:00Z' },
  { semver: '2.0.0', timestamp: '2025-06-15T08:30:00Z' },
  { semver: '2.1.0', timestamp: '2025-11-09T10:00:00Z' },
  { semver: '2.1.1', timestamp: '2025-11-20T16:45:10Z' },
];
const opts = { requireVersion: false };
const semverOf = (header: string | undefined, o = opts) => {
  const r = resolveVersion(header, VERSIONS, o);
  return r.ok ? r.version.semver : `${r.problem.status} ${r.problem.title}`;
};

test('no header: the newest, or 400 when versioning.requireVersion', () => {
  assert.is(semverOf(undefined), '2.1.1');
  assert.is(semverOf('  '), '2.1.1');
  const r = resolveVersion(undefined, VERSIONS, { requireVersion: true });
  assert.is(r.ok, false);
  if (!r.ok) {
    assert.is(r.problem.status, 400);
    assert.is(r.problem.type, VERSION_PROBLEM_TYPE);
    assert.equal(r.problem.versions[0], { semver: '2.1.1', timestamp: '2025-11-20T16:45:10Z' }, 'newest first, timestamp and semver of each');
    assert.is(r.problem.versions.length, 5);
  }
});

test('semver forms: major, major.minor, full; newest match; optional v', () => {
  assert.is(semverOf('2'), '2.1.1');
  assert.is(semverOf('1'), '1.1.0');
  assert.is(semverOf('2.1'), '2.1.1');
  assert.is(semverOf('2.0'), '2.0.0');
  assert.is(semverOf('2.1.0'), '2.1.0');
  assert.is(semverOf('v1.0.0'), '1.0.0');
  assert.is(semverOf('3'), '400 Unknown API version');
  assert.is(semverOf('1.2'), '400 Unknown API version');
  assert.is(semverOf('2.1.9'), '400 Unknown API version');
});

test('timestamp forms: exact, between versions, offsets, fractions, the file-name form, a bare date', () => {
  assert.is(semverOf('2025-11-09T10:00:00Z'), '2.1.0', 'exact release time');
  assert.is(semverOf('2025-11-09T09:59:59Z'), '2.0.0', 'a second before: the previous version');
  assert.is(semverOf('2025-12-31T00:00:00Z'), '2.1.1', 'after the newest');
  assert.is(semverOf('2025-11-09T11:00:00+01:00'), '2.1.0', 'an offset');
  assert.is(semverOf('2025-11-09T10:00:00.500Z'), '2.1.0', 'milliseconds');
  assert.is(semverOf('2025-11-09T10:00Z'), '2.1.0', 'no seconds');
  assert.is(semverOf('2025-11-09T10-00-00Z'), '2.1.0', 'the snapshot file-name form');
  assert.is(semverOf('2025-11-09T10:00:00'), '2.1.0', 'no zone means UTC');
  assert.is(semverOf('2025-03-01'), '1.1.0', 'a date means the end of that day');
  assert.is(semverOf('2025-02-28'), '1.0.0');
});

test('too early, malformed and impossible values are 400 with the list', () => {
  assert.is(semverOf('2024-12-31T23:59:59Z'), '400 API version too early');
  assert.is(semverOf('2025-01-09'), '400 API version too early');
  for (const bad of ['latest', '2.x', '01', '1.0.0.0', '2025-13-01', '2025-02-30T00:00:00Z', '2025-11-09T25:00:00Z', '2025/11/09', '1.0.0-beta']) {
    const r = resolveVersion(bad, VERSIONS, opts);
    assert.is(r.ok, false, bad);
    if (!r.ok) {
      assert.is(r.problem.title, 'Malformed API version', bad);
      assert.is(r.problem.versions.length, 5);
      assert.match(r.problem.detail, 'timestamp', bad);
    }
  }
  const none = resolveVersion('1', [], opts);
  assert.is(none.ok, false);
});

test('versions need not be given in order, and extra fields are kept', () => {
  const r = resolveVersion('1', [...VERSIONS].reverse().map((v) => ({ ...v, file: `${v.semver}.json` })), opts);
  assert.ok(r.ok && r.version.file === '1.1.0.json' && r.by === 'semver');
});

test('parseTimestamp', () => {
  assert.is(parseTimestamp('2025-11-09T10:00:00Z'), Date.UTC(2025, 10, 9, 10));
  assert.is(parseTimestamp('2025-11-09'), Date.UTC(2025, 10, 10) - 1);
  assert.is(parseTimestamp('nope'), undefined);
});

test.run();
