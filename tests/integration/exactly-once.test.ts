// Exactly once: a batch write cut off at any statement — before the statement reaches PostgreSQL,
// or after PostgreSQL ran it but before the collector heard back (for COMMIT: committed, but the
// collector cannot know) — is retried, and every span sent is stored exactly once. Real
// PostgreSQL behind a proxy that cuts the socket (tests/support/cutting-proxy.ts), the real
// collector, spans posted over OTLP/HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import type { ScratchDatabase } from '../support/scratch-database';
import { proxiedScratchDatabase, type CuttingProxy, type CutRule } from '../support/cutting-proxy';
import { startTestCollector } from '../support/test-collector';

const SPANS_PER_CASE = 25;

let database: ScratchDatabase;
let proxy: CuttingProxy;
let collector: Awaited<ReturnType<typeof startTestCollector>>;

before(async () => {
  const proxied = await proxiedScratchDatabase('meshlight_exactly_once');
  ({ database, proxy } = proxied);
  const viaProxy = new URL(proxied.url);
  // One writer, so a case's cut hits the write of that case's batch.
  collector = await startTestCollector(viaProxy.toString(), {
    batch: { writers: 1, batchSpans: 8192, lingerMs: 0 },
    serviceGraph: { ...readCollectorConfig({}).serviceGraph, enabled: false },
  });
});

after(async () => {
  await collector?.stop();
  await proxy?.close();
  await database?.drop();
});

/** An OTLP/JSON request whose service, scope and span names are new, so every statement of a write runs. */
function request(caseName: string): string {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const traceId = randomBytes(16).toString('hex');
  const spans = Array.from({ length: SPANS_PER_CASE }, (_, i) => ({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: `${caseName} op ${i % 5}`,
    kind: 2,
    startTimeUnixNano: String(nowNs + BigInt(i)),
    endTimeUnixNano: String(nowNs + BigInt(i) + 1000n),
    attributes: [{ key: 'case', value: { stringValue: caseName } }],
  }));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: caseName } }] },
        scopeSpans: [{ scope: { name: `scope ${caseName}`, version: '1' }, spans }],
      },
    ],
  });
}

async function stored(service: string): Promise<{ rows: number; distinct: number }> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; distinct: string }>(
      'SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct FROM spans WHERE service_name = $1',
      [service],
    );
    return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
  } finally {
    await client.end();
  }
}

// Every statement of a trace batch's write transaction (collector/store/span-store.ts), in order.
const STATEMENTS: Array<[string, Omit<CutRule, 'when'>]> = [
  ['BEGIN', { type: 'Q', sqlContains: 'BEGIN' }],
  ['claim the batch id', { type: 'P', sqlContains: 'INSERT INTO ingest_batches' }],
  ['insert resources', { type: 'P', sqlContains: 'INSERT INTO resources' }],
  ['insert scopes', { type: 'P', sqlContains: 'INSERT INTO scopes' }],
  ['start the COPY', { type: 'Q', sqlContains: 'COPY spans' }],
  ['COPY data', { type: 'd' }],
  ['end the COPY', { type: 'c' }],
  ['upsert operations', { type: 'P', sqlContains: 'INSERT INTO operations' }],
  ['COMMIT', { type: 'Q', sqlContains: 'COMMIT' }],
];

for (const [statement, match] of STATEMENTS) {
  for (const when of ['before', 'after-response'] as const) {
    if (match.type === 'd' && when === 'after-response') continue; // CopyData has no response of its own
    const caseName = `cut ${when} ${statement}`;
    test(`connection cut ${when === 'before' ? 'before' : 'after PostgreSQL answered'} "${statement}": every span stored once`, async () => {
      const cutsBefore = proxy.cuts;
      proxy.arm({ ...match, when });
      const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
        method: 'POST',
        body: request(caseName),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 200);
      assert.ok(await collector.flushed(30_000), 'the batch was written after the cut');
      assert.equal(proxy.cuts, cutsBefore + 1, 'the connection was cut at that statement');
      assert.deepEqual(await stored(caseName), { rows: SPANS_PER_CASE, distinct: SPANS_PER_CASE });
    });
  }
}

test('the collector counted every span once: accepted = written', () => {
  assert.equal(collector.stats.spansWritten, collector.stats.spansAccepted);
  assert.equal(collector.stats.spansDroppedInvalid, 0);
});
