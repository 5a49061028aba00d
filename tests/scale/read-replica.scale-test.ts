// The UI reading from a real streaming replica: a primary and a `pg_basebackup -R` standby of it on
// this machine; the collector writes to the primary, the query API (DATABASE_READ_URL) reads the
// spans back from the replica, and /api/replication reports lag while replay is paused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { GET as getReplication } from '../../app/api/replication/route';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { replicationStatusSchema } from '../../lib/contracts/replication-api';
import { disconnectDb, getDb, getWriteDb } from '../../lib/db/prisma';
import { replicaLagText } from '../../components/replication/replica-lag-text';
import { postTrace, simpleTrace, type SimpleTrace } from '../support/otlp-json';
import { clusterUnavailable, startPrimary, startReplica, type Cluster } from '../support/postgres-cluster';
import { startTestCollector } from '../support/test-collector';

const unavailable = clusterUnavailable();
let primary: Cluster | undefined;
let replica: Cluster | undefined;
let collector: Awaited<ReturnType<typeof startTestCollector>> | undefined;

async function one<T>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as T;
  } finally {
    await client.end();
  }
}

/** Polls the replica until its `column` LSN reaches the primary's current WAL position. */
async function replicaReaches(column: 'pg_last_wal_replay_lsn' | 'pg_last_wal_receive_lsn'): Promise<void> {
  const { lsn } = await one<{ lsn: string }>(primary!.url(), 'SELECT pg_current_wal_lsn()::text AS lsn');
  for (let i = 0; i < 600; i++) {
    const { done } = await one<{ done: boolean }>(replica!.url(), `SELECT coalesce(${column}() >= $1::pg_lsn, false) AS done`, [lsn]);
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`replica never reached ${lsn} (${column})`);
}

async function fetchTrace(trace: SimpleTrace): Promise<Response> {
  return getTrace(new Request(`http://meshlight.test/api/traces/${trace.traceId}`), { params: Promise.resolve({ traceId: trace.traceId }) });
}

async function replication() {
  const response = await getReplication(new Request('http://meshlight.test/api/replication'), { params: Promise.resolve({}) });
  assert.equal(response.status, 200);
  return replicationStatusSchema.parse(await response.json());
}

before(async () => {
  if (unavailable) return;
  primary = await startPrimary();
  await one(primary.url(), 'CREATE DATABASE meshlight');
  replica = await startReplica(primary);
  collector = await startTestCollector(primary.url('meshlight'));
  process.env.DATABASE_URL = primary.url('meshlight');
  process.env.DATABASE_READ_URL = replica.url('meshlight');
  process.env.MESHLIGHT_REPLICA_LAG_WARN_SECONDS = '0';
});

after(async () => {
  await disconnectDb();
  await collector?.stop();
  replica?.stop();
  primary?.stop();
});

test('spans written through the primary are read from the streaming replica; lag shows while replay is paused', { skip: unavailable }, async () => {
  const first = simpleTrace();
  await postTrace(collector!.httpPort, first);
  assert.ok(await collector!.flushed());
  await replicaReaches('pg_last_wal_replay_lsn');

  // Reads go to the standby, writes would go to the primary.
  assert.equal((await getDb().pool.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, true);
  assert.equal((await getWriteDb().pool.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, false);

  const response = await fetchTrace(first);
  assert.equal(response.status, 200, await response.clone().text());
  const body = await response.text();
  for (const spanId of first.spanIds) assert.ok(body.includes(spanId), `span ${spanId} read from the replica`);
  const current = await replication();
  assert.equal(current.readFrom, 'replica');
  assert.equal(current.lagging, false);
  assert.equal(replicaLagText(current), null);

  // Replay paused: the replica receives WAL but does not apply it; the UI says so.
  await one(replica!.url(), 'SELECT pg_wal_replay_pause()');
  const second = simpleTrace();
  await postTrace(collector!.httpPort, second);
  assert.ok(await collector!.flushed());
  await replicaReaches('pg_last_wal_receive_lsn');
  const behind = await replication();
  assert.equal(behind.lagging, true);
  assert.equal(behind.replayPaused, true);
  assert.match(replicaLagText(behind) ?? '', /replay is paused/);
  assert.equal((await fetchTrace(second)).status, 404, 'not replayed yet');

  await one(replica!.url(), 'SELECT pg_wal_replay_resume()');
  await replicaReaches('pg_last_wal_replay_lsn');
  assert.equal((await fetchTrace(second)).status, 200);
  const caughtUp = await replication();
  assert.equal(caughtUp.lagging, false);
  assert.equal(caughtUp.lagSeconds, 0);
});
