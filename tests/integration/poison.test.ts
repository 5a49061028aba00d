// Poison never spreads: text PostgreSQL refuses is cleaned at decode time and reported in
// partial_success; timestamps it cannot store reject their span alone, with a reason, in both
// encodings; and a rollup row the database refuses is dropped alone instead of stopping the service
// graph's flush forever. Real collector, real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { emptySpan, SpanKind, type TraceBatch } from '../../lib/domain/model';
import { requestWithSpans, spanFields, fixed64Field, stringField, keyValue } from '../fixtures/otlp/proto-builder';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let db: pg.Client;

before(async () => {
  database = await createScratchDatabase('meshlight_poison');
  collector = await startTestCollector(database.url);
  db = new pg.Client(database.url);
  await db.connect();
});

after(async () => {
  await db?.end();
  await collector?.stop();
  await database?.drop();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nowNs = () => String(BigInt(Date.now()) * 1_000_000n);

async function post(body: string | Uint8Array, contentType: string) {
  const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
    headers: { 'content-type': contentType },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

function jsonSpan(name: string, extra: Record<string, unknown> = {}) {
  return { traceId: hex(16), spanId: hex(8), name, kind: 2, startTimeUnixNano: nowNs(), endTimeUnixNano: nowNs(), ...extra };
}

function jsonRequest(service: string, spans: unknown[]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }],
  });
}

test('NUL in names and attributes (JSON): stored with U+FFFD, reported as a warning, and the service graph keeps flushing', async () => {
  const res = await post(
    jsonRequest('nul\u0000service', [jsonSpan('GET /nul\u0000', { attributes: [{ key: 'k', value: { stringValue: 'v\u0000' } }] }), jsonSpan('clean')]),
    'application/json',
  );
  assert.equal(res.status, 200);
  const partial = JSON.parse(res.body.toString()).partialSuccess as { rejectedSpans?: string; errorMessage: string };
  assert.equal(partial.rejectedSpans, undefined);
  assert.match(partial.errorMessage, /1 span had text PostgreSQL cannot store/);
  assert.ok(await collector.flushed());
  await collector.serviceGraph!.flush({ expirePending: true });
  const { rows } = await db.query("SELECT name, attributes->>'k' AS k FROM spans WHERE service_name = 'nul\uFFFDservice' ORDER BY name");
  assert.deepEqual(rows, [
    { name: 'GET /nul\uFFFD', k: 'v\uFFFD' },
    { name: 'clean', k: null },
  ]);
  const red = await db.query("SELECT sum(calls)::int AS calls FROM service_red_minutes WHERE service_name = 'nul\uFFFDservice'");
  assert.equal(red.rows[0].calls, 2);
});

test('NUL over protobuf is cleaned the same way', async () => {
  const res = await post(
    requestWithSpans(spanFields('proto nul\u0000', fixed64Field(7, BigInt(nowNs())), fixed64Field(8, BigInt(nowNs())), keyValue(9, 'k', stringField(1, 'x\u0000')))),
    'application/x-protobuf',
  );
  assert.equal(res.status, 200);
  assert.match(res.body.toString('latin1'), /1 span had text PostgreSQL cannot store/);
  assert.ok(await collector.flushed());
  const { rows } = await db.query("SELECT attributes->>'k' AS k FROM spans WHERE name = 'proto nul\uFFFD'");
  assert.deepEqual(rows, [{ k: 'x\uFFFD' }]);
});

test('a timestamp over int64 rejects its span alone, with a reason, over JSON and protobuf; nothing is dropped after the 200', async () => {
  const json = await post(
    jsonRequest('u64-json', [jsonSpan('fine'), jsonSpan('too late', { startTimeUnixNano: '18446744073709551615' })]),
    'application/json',
  );
  assert.equal(json.status, 200);
  const partial = JSON.parse(json.body.toString()).partialSuccess as { rejectedSpans: string; errorMessage: string };
  assert.equal(partial.rejectedSpans, '1');
  assert.match(partial.errorMessage, /spans\[1\] \("too late"\): startTimeUnixNano 18446744073709551615 is out of range/);

  const proto = await post(
    requestWithSpans(spanFields('proto fine', fixed64Field(7, BigInt(nowNs()))), spanFields('proto too late', fixed64Field(8, 2n ** 64n - 1n))),
    'application/x-protobuf',
  );
  assert.equal(proto.status, 200);
  assert.match(proto.body.toString('latin1'), /endTimeUnixNano 18446744073709551615 is out of range/);

  assert.ok(await collector.flushed());
  assert.equal(collector.stats.spansDroppedInvalid, 0);
  const { rows } = await db.query("SELECT name FROM spans WHERE name IN ('fine', 'too late', 'proto fine', 'proto too late') ORDER BY name");
  assert.deepEqual(rows.map((r) => r.name), ['fine', 'proto fine']);
});

test('a rollup row the database refuses is dropped alone; the other rows are written and later flushes go on', async () => {
  // Past the decoders (which clean NUL), straight into the graph: the database refuses the NUL.
  const batch = (service: string): TraceBatch => {
    const span = { ...emptySpan(), traceId: hex(16), spanId: hex(8), name: 'GET /', kind: SpanKind.SERVER, startNs: BigInt(nowNs()), endNs: BigInt(nowNs()) + 1000n };
    return {
      resourceSpans: [{ resource: { attributes: {}, droppedAttributesCount: 0 }, serviceName: service, schemaUrl: '', scopeSpans: [{ scope: { name: '', version: '', attributes: {} }, schemaUrl: '', spans: [span] }] }],
      spanCount: 1,
      rejectedSpans: 0,
      rejectionMessage: '',
    };
  };
  const graph = collector.serviceGraph!;
  await graph.flush({ expirePending: true });
  const droppedBefore = graph.counters.rowsDropped;
  graph.observe(batch('poisoned\u0000rollup'));
  graph.observe(batch('healthy-rollup'));
  await graph.flush({ expirePending: true });
  assert.ok(graph.counters.rowsDropped > droppedBefore, 'the poisoned rows were dropped');
  const healthy = await db.query("SELECT sum(calls)::int AS calls FROM service_red_minutes WHERE service_name = 'healthy-rollup'");
  assert.equal(healthy.rows[0].calls, 1);
  graph.observe(batch('after-the-poison'));
  await graph.flush({ expirePending: true });
  const after = await db.query("SELECT sum(calls)::int AS calls FROM service_red_minutes WHERE service_name = 'after-the-poison'");
  assert.equal(after.rows[0].calls, 1);
});
