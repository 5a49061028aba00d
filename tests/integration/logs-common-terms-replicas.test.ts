// Two collectors (replicas) on one database, each with its own common-terms learner
// (collector/store/common-terms.ts): a term one of them lists is still indexed by the other until it
// refreshes, and after the refresh the other leaves it out too. Whichever replica wrote a record and
// whenever the list changed, a search finds it: the search asks the index only for words no listed
// term starts with, and a term is listed before any replica writes a row without it. The last test
// lists a term from the other replica between the search reading the list and reading the rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GET as getLogs } from '../../app/api/logs/route';
import { GET as getVolume } from '../../app/api/logs/volume/route';
import { CommonTerms } from '../../collector/store/common-terms';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import type { LogsPage } from '../../lib/contracts/logs-api';
import { disconnectDb, getDb } from '../../lib/db/prisma';
import { CommonTermLearner } from '../../lib/domain/logs/log-terms';
import { shopLogBatch } from '../support/shop-log-batch';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const T0_MS = Date.UTC(2026, 10, 29, 9, 0, 0);
const T0_NS = BigInt(T0_MS) * 1_000_000n;
const MINUTE_NS = 60_000_000_000n;
/** Newer than every record searched for, so the newest-rows probe does not answer by itself. */
const FILLER = 6000;

let database: ScratchDatabase;
let db: SqlExecutor;
let store: LogStore;
let a: CommonTerms;
let b: CommonTerms;

const batch = shopLogBatch;

/** Makes `replica` learn `term` as common (it lists the term, then adopts it). */
async function learn(replica: CommonTerms, term: string): Promise<void> {
  const threshold = Math.ceil(CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.COMMON_SHARE);
  for (let i = 0; i < threshold * CommonTermLearner.SAMPLE_EVERY; i++) replica.learner.observe([term, `u${term}${i}`]);
  await replica.idle();
  assert.ok(replica.learner.common.has(term));
}

async function write(replica: CommonTerms, bodies: readonly string[], minute: number): Promise<void> {
  await store.write(encodeLogRows(batch(bodies, T0_NS + BigInt(minute) * MINUTE_NS), replica.learner));
}

async function termsOf(body: string): Promise<string> {
  const rows = await db.query<{ terms: string }>('SELECT terms::text AS terms FROM logs WHERE body = $1', [body]);
  return rows[0]!.terms;
}

async function search(q: string): Promise<string[]> {
  const response = await getLogs(new Request(`http://meshlight.test/api/logs?q=${encodeURIComponent(q)}&limit=100`), {});
  assert.equal(response.status, 200);
  const page = (await response.json()) as LogsPage;
  assert.equal(page.nextCursor, null);
  return page.data.map((e) => e.body);
}

before(async () => {
  database = await createScratchDatabase('meshlight_logs_replicas');
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => T0_MS);
  await partitions.load();
  store = new LogStore(db, partitions);
  a = new CommonTerms(db, (error) => assert.fail(String(error)));
  b = new CommonTerms(db, (error) => assert.fail(String(error)));
  await Promise.all([a.load(), b.load()]);
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  a?.stop();
  b?.stop();
  await disconnectDb();
  await db?.close();
  await database?.drop();
});

test('a term one replica listed: the other indexes it until it refreshes; every record is found', async () => {
  await learn(a, 'alpha');
  assert.ok(!b.learner.common.has('alpha'), 'b has not read the list since');
  await write(b, ['alpha b1 one'], 0);
  await write(a, ['alpha a1 two'], 1);
  assert.equal(await termsOf('alpha b1 one'), "'alpha' 'b1' 'one'", 'b still indexes alpha');
  assert.equal(await termsOf('alpha a1 two'), "'a1' 'two'");

  assert.equal(await b.refresh(), 1);
  assert.ok(b.learner.common.has('alpha'));
  assert.equal(await b.refresh(), 0, 'nothing new: one count, no reload');
  await write(b, ['alpha b2 three'], 2);
  assert.equal(await termsOf('alpha b2 three'), "'b2' 'three'", 'after the refresh b leaves alpha out');

  await write(a, Array.from({ length: FILLER }, (_, i) => `filler f${i}`), 10);
  const all = ['alpha b2 three', 'alpha a1 two', 'alpha b1 one'];
  assert.deepEqual(await search('alpha'), all);
  assert.deepEqual(await search('alph'), all, 'a prefix of a listed term');
  assert.deepEqual(await search('b1'), ['alpha b1 one'], 'a rare word, by the index');
  assert.deepEqual(await search('alpha a1'), ['alpha a1 two']);
});

test('the periodic refresh adopts what the other replica lists', async () => {
  b.start(20);
  try {
    await learn(a, 'gamma');
    for (let i = 0; i < 100 && !b.learner.common.has('gamma'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(b.learner.common.has('gamma'));
  } finally {
    b.stop();
  }
});

test('a term listed by the other replica while a search runs: the search plans again, nothing is missed', async () => {
  // 'beta' is rare when the search reads the list: it asks the index, which finds the record a
  // wrote before. Then b lists 'beta' and writes a record without it (the newest), before the
  // search reads the rows; the index cannot see that one, so the search must notice and redo.
  await write(a, ['beta a2 old'], 3);
  const pool = getDb().pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let injected = false;
  (pool as { query: unknown }).query = async (...args: unknown[]) => {
    const result = await query(...args);
    if (!injected && typeof args[0] === 'string' && args[0].includes('log_common_terms')) {
      injected = true;
      await learn(b, 'beta');
      await write(b, ['beta b3 new'], 20);
    }
    return result;
  };
  try {
    assert.deepEqual(await search('beta'), ['beta b3 new', 'beta a2 old']);
  } finally {
    (pool as { query: unknown }).query = query;
  }
  assert.ok(injected);
  assert.equal(await termsOf('beta b3 new'), "'b3' 'new'");
  const response = await getVolume(new Request(`http://meshlight.test/api/logs/volume?q=beta&start=${T0_MS - 1000}&end=${T0_MS + 3_600_000}`), {});
  const body = (await response.json()) as { buckets: Array<{ counts: Record<string, number> }> };
  assert.equal(body.buckets.reduce((n, bucket) => n + (bucket.counts.info ?? 0), 0), 2);
});
