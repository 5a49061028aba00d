// Free-text search over the `terms` index that leaves the common terms out (lib/domain/logs/log-terms.ts):
// records written before and after a term became common, behind 6,000 newer records so the newest-rows
// probe does not answer and the index (a rare word) or the walk over the rows (a word a common term
// starts with) must. Every query returns exactly what the in-memory meaning says: the whole query as a
// case-insensitive substring, each word at the start of a token.
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
import { disconnectDb } from '../../lib/db/prisma';
import { CommonTermLearner, queryWords, startsToken } from '../../lib/domain/logs/log-terms';
import { shopLogBatch } from '../support/shop-log-batch';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const T0_MS = Date.UTC(2026, 10, 29, 9, 0, 0);
const T0_NS = BigInt(T0_MS) * 1_000_000n;
const BEFORE = ['Order 1001 shipped to warehouse', 'ordered id=1002 ok', 'reorder 1003 pending'];
const AFTER = ['Order 2001 SHIPPED: to dock', 'ordered id=2002 ok', 'reorder 2003 pending', 'x.order-2004 done', 'café order 2005', 'ORDERS 2006 batch'];
const FILLER = 6000;

let database: ScratchDatabase;
let db: SqlExecutor;

const batch = shopLogBatch;

before(async () => {
  database = await createScratchDatabase('meshlight_logs_text');
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => T0_MS);
  await partitions.load();
  const store = new LogStore(db, partitions);
  const terms = new CommonTerms(db, (error) => assert.fail(String(error)));
  await store.write(encodeLogRows(batch(BEFORE, T0_NS), terms.learner));
  // 'order' and 'shipped' turn up in enough records to become common.
  const threshold = Math.ceil(CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.COMMON_SHARE);
  for (let i = 0; i < threshold * CommonTermLearner.SAMPLE_EVERY; i++) terms.learner.observe(['order', 'shipped', `n${i}`]);
  await terms.idle();
  assert.deepEqual([...terms.learner.common].sort(), ['order', 'shipped']);
  await store.write(encodeLogRows(batch(AFTER, T0_NS + 60_000_000_000n), terms.learner));
  const filler = Array.from({ length: FILLER }, (_, i) => `filler line f${i}`);
  await store.write(encodeLogRows(batch(filler, T0_NS + 120_000_000_000n), terms.learner));
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  await disconnectDb();
  await db?.close();
  await database?.drop();
});

async function search(q: string, more = ''): Promise<string[]> {
  const response = await getLogs(new Request(`http://meshlight.test/api/logs?q=${encodeURIComponent(q)}&limit=100${more}`), {});
  assert.equal(response.status, 200);
  return ((await response.json()) as LogsPage).data.map((e) => e.body);
}

/** The in-memory meaning, newest first (AFTER was written after BEFORE, each in order). */
function expected(q: string): string[] {
  const words = queryWords(q);
  return [...BEFORE, ...AFTER].filter((body) => body.toLowerCase().includes(q.toLowerCase()) && words.every((w) => startsToken(body, w))).reverse();
}

test('rows written after a term became common leave it out of their terms; rows before keep it', async () => {
  const rows = await db.query<{ body: string; terms: string }>(`SELECT body, terms::text AS terms FROM logs WHERE body LIKE '%200_%' OR body LIKE '%100_%' ORDER BY time_ns`);
  const termsOf = new Map(rows.map((r) => [r.body, r.terms]));
  assert.equal(termsOf.get('Order 1001 shipped to warehouse'), "'1001' 'order' 'shipped' 'to' 'warehouse'");
  assert.equal(termsOf.get('Order 2001 SHIPPED: to dock'), "'2001' 'dock' 'to'");
  assert.equal(termsOf.get('ordered id=2002 ok'), "'2002' 'id' 'ok' 'ordered'", 'ordered is not common');
  const common = await db.query<{ term: string }>('SELECT term FROM log_common_terms ORDER BY term');
  // The filler's own words became common too, learned while its 6,000 records were encoded.
  assert.deepEqual(common.map((r) => r.term), ['filler', 'line', 'order', 'shipped']);
});

test('a rare word is found by the index, in rows from before and after', async () => {
  assert.deepEqual(await search('2002'), ['ordered id=2002 ok']);
  assert.deepEqual(await search('100'), ['reorder 1003 pending', 'ordered id=1002 ok', 'Order 1001 shipped to warehouse']);
});

test('a common word (and a prefix of one) finds every record, indexed with it or not', async () => {
  const order = expected('order');
  assert.equal(order.length, 7);
  assert.ok(!order.some((b) => b.startsWith('reorder')), 'inside a word does not count');
  assert.deepEqual(await search('order'), order);
  assert.deepEqual(await search('orde'), order);
  assert.deepEqual(await search('order', '&service=shop'), order, 'the walk by the service index');
  assert.deepEqual(await search('order', '&service=other'), []);
  assert.deepEqual(await search('shipped'), ['Order 2001 SHIPPED: to dock', 'Order 1001 shipped to warehouse']);
});

test('a word indexed in one form and common in another: ordered vs order', async () => {
  assert.deepEqual(await search('ordered'), ['ordered id=2002 ok', 'ordered id=1002 ok']);
  assert.deepEqual(await search('orders'), ['ORDERS 2006 batch']);
});

test('case, punctuation, phrases and non-ASCII words', async () => {
  for (const q of ['ORDER 2001', 'oRdEr', 'id=2002', 'x.order', 'x.order-2004', 'shipped: to', 'shipped to', 'café', 'CAFÉ order', 'der', 'rder 2003', '==', 'order 1001 shipped']) {
    assert.deepEqual(await search(q), expected(q), q);
  }
  assert.deepEqual(await search('shipped: to'), ['Order 2001 SHIPPED: to dock']);
  assert.deepEqual(await search('der'), []);
});

test('the volume histogram counts the same records', async () => {
  const response = await getVolume(new Request(`http://meshlight.test/api/logs/volume?q=order&start=${T0_MS - 1000}&end=${T0_MS + 600_000}`), {});
  assert.equal(response.status, 200);
  const body = (await response.json()) as { buckets: Array<{ counts: Record<string, number> }> };
  assert.equal(body.buckets.reduce((n, b) => n + (b.counts.info ?? 0), 0), 7);
});
