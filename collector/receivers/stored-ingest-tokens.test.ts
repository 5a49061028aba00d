// StoredIngestTokens against a fake table: new and revoked tokens after a poll, required once any
// row exists (also when all are revoked), last-used written back, and the cache that keeps a
// replica starting with the database down from starting open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestTokenHash } from '../../lib/contracts/ingest-tokens-api';
import { IngestTokens } from './ingest-tokens';
import { StoredIngestTokens } from './stored-ingest-tokens';

class FakeTable {
  rows: { token_hash: string; active: boolean }[] = [];
  down = false;
  usedUpdates: string[][] = [];
  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    if (this.down) throw new Error('connection refused');
    if (sql.startsWith('UPDATE')) {
      this.usedUpdates.push(params![0] as string[]);
      return [];
    }
    return this.rows as Row[];
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();

test('tokens appear and disappear with the table; required once any row exists', async () => {
  const table = new FakeTable();
  const stored = new StoredIngestTokens(table);
  const tokens = new IngestTokens({ tokens: [], stored });
  await stored.poll();
  assert.equal(tokens.required, false, 'an empty table: open');
  tokens.check(undefined);

  table.rows = [{ token_hash: ingestTokenHash('mlt_first-token-0000000000'), active: true }];
  await stored.poll();
  assert.equal(tokens.required, true);
  assert.throws(() => tokens.check(undefined), /token is required/);
  assert.throws(() => tokens.check('Bearer mlt_other-token-0000000000'), /invalid ingest token/);
  tokens.check('Bearer mlt_first-token-0000000000');
  await stored.poll();
  assert.deepEqual(table.usedUpdates, [[ingestTokenHash('mlt_first-token-0000000000')]], 'last used written back once');

  table.rows = [{ token_hash: ingestTokenHash('mlt_first-token-0000000000'), active: false }];
  await stored.poll();
  assert.equal(tokens.required, true, 'all revoked: still required');
  assert.throws(() => tokens.check('Bearer mlt_first-token-0000000000'), /invalid ingest token/);
  assert.equal(stored.matches(digest('mlt_first-token-0000000000')), false);
});

test('the database down keeps the last view; a restart with it down starts from the cache', async () => {
  const cacheFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'meshlight-stored-tokens-')), 'ingest-tokens.json');
  const table = new FakeTable();
  table.rows = [{ token_hash: ingestTokenHash('mlt_kept-token-000000000000'), active: true }];
  const first = new StoredIngestTokens(table, { cacheFile });
  await first.poll();
  table.down = true;
  await first.poll();
  assert.equal(first.matches(digest('mlt_kept-token-000000000000')), true, 'an outage changes nothing');

  const restarted = new StoredIngestTokens(table, { cacheFile });
  assert.equal(restarted.required, true, 'not open while the database is down');
  assert.equal(restarted.matches(digest('mlt_kept-token-000000000000')), true);
  table.down = false;
  table.rows = [];
  await restarted.poll();
  assert.equal(restarted.required, false);
});
