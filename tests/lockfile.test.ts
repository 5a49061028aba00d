// `npm ci` on a fresh machine refuses a lock file that lacks an optional dependency's entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { missingOptionalEntries } from '../scripts/fix-lockfile';

test('package-lock.json lists every optional dependency, so npm ci accepts it', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  assert.deepEqual(missingOptionalEntries(lock.packages), [], 'run `npm run fix-lockfile`');
});
