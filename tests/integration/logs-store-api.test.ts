// Logs end to end below the HTTP intake: payloads from the official OTel logs exporter, a Loki push
// and real pino output are decoded, encoded to COPY rows and written by LogStore into the real
// PostgreSQL (daily partition created, dictionary rows shared with spans); correlation links are
// learned from span attributes; then the UI server's route handlers answer /api/logs and
// /api/correlation/{id} from those rows.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { GET as getCorrelation } from '../../app/api/correlation/[id]/route';
import { GET as getLogs } from '../../app/api/logs/route';
import { GET as getVolume } from '../../app/api/logs/volume/route';
import { decodeJsonLines } from '../../collector/receivers/jsonl/decode-jsonl';
import { decodeLokiPushJson } from '../../collector/receivers/loki/decode-loki-json';
import { decodeLogsRequestProto } from '../../collector/receivers/otlp/decode-logs-proto';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import type { LogsPage } from '../../lib/contracts/logs-api';
import { disconnectDb } from '../../lib/db/prisma';
import { correlationLinksOfSpans } from '../../lib/domain/logs/correlation';
import { SDK_TIME_NS, SDK_TRACE_ID, captureOtlpLogs, realisticLogRecords } from '../fixtures/logs/capture-otlp-logs';
import { insertSpans } from '../support/insert-spans';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { makeSyntheticTrace } from '../support/synthetic-trace';

const NOW_MS = Number(SDK_TIME_NS / 1_000_000n) + 60_000;
const RECEIVED_NS = BigInt(NOW_MS) * 1_000_000n;
const GATEWAY_TRACE = 'feedfacefeedfacefeedfacefeedface';

let database: ScratchDatabase;
let db: SqlExecutor;

async function pinoText(): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = pino({ timestamp: () => `,"time":${Number(SDK_TIME_NS / 1_000_000n) + 5}` }, sink);
  // The payments service logs only the correlation id, never the trace id.
  logger.info({ correlation_id: 'corr-gw-1', amount: 12 }, 'charging card');
  logger.error({ correlation_id: 'corr-gw-1' }, 'card declined');
  await new Promise((resolve) => setImmediate(resolve));
  return `${text}not json at all\n`;
}

before(async () => {
  database = await createScratchDatabase('meshlight_logs');
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => NOW_MS);
  await partitions.load();
  const store = new LogStore(db, partitions);

  const [otlp] = await captureOtlpLogs(realisticLogRecords());
  await store.write(encodeLogRows(decodeLogsRequestProto(otlp!.body, { receivedNs: RECEIVED_NS })));
  const loki = JSON.stringify({
    streams: [{ stream: { job: 'gateway', env: 'prod' }, values: [[String(SDK_TIME_NS + 10n), 'GET /checkout 502 x-correlation-id=corr-gw-1']] }],
  });
  await store.write(encodeLogRows(decodeLokiPushJson(loki, { receivedNs: RECEIVED_NS })));
  const jsonl = decodeJsonLines(await pinoText(), { receivedNs: RECEIVED_NS, service: 'payments' });
  assert.deepEqual(jsonl.lineErrors.map((e) => e.line), [3]);
  await store.write(encodeLogRows(jsonl.batch));

  // The gateway's trace recorded the header; the span-side observer turns that into a link.
  const trace = makeSyntheticTrace({ traceId: GATEWAY_TRACE, spanCount: 4, startNs: SDK_TIME_NS, seed: 3 });
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    await client.query(`CREATE TABLE spans_ptest PARTITION OF spans FOR VALUES FROM (${SDK_TIME_NS - 86_400_000_000_000n}) TO (${SDK_TIME_NS + 86_400_000_000_000n})`);
    await insertSpans(client, trace.spans);
  } finally {
    await client.end();
  }
  await store.correlations.record(
    correlationLinksOfSpans([
      {
        serviceName: 'gateway',
        scopeSpans: [{ spans: [{ traceId: GATEWAY_TRACE, startNs: SDK_TIME_NS, attributes: { 'http.request.header.x-correlation-id': ['corr-gw-1'] } }] }],
      },
    ]),
  );
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  await disconnectDb();
  await db?.close();
  await database?.drop();
});

async function logs(query: string): Promise<{ status: number; body: LogsPage & { errors?: unknown[] } }> {
  const response = await getLogs(new Request(`http://meshlight.test/api/logs?${query}`), {});
  return { status: response.status, body: await response.json() };
}

test('rows land in a daily logs partition, with the shared resources dictionary', async () => {
  const rows = await db.query<{ part: string; n: string }>(`SELECT tableoid::regclass::text AS part, count(*)::text AS n FROM logs GROUP BY 1`);
  const day = new Date(Number(SDK_TIME_NS / 1_000_000n)).toISOString().slice(0, 10).replaceAll('-', '');
  assert.deepEqual(rows, [{ part: `logs_p${day}`, n: '6' }]);
  const resources = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM resources r WHERE r.id IN (SELECT resource_id FROM logs)`);
  assert.equal(resources[0]!.n, '3');
  const size = await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('logs_p${day}')::text AS bytes`);
  assert.ok(Number(size[0]!.bytes) > 0);
});

test('GET /api/logs: newest first, every field, filters by service, severity, text, attributes', async () => {
  const all = await logs('');
  assert.equal(all.status, 200);
  assert.equal(all.body.data.length, 6);
  const times = all.body.data.map((e) => BigInt(e.timeUnixNano));
  assert.deepEqual(times, [...times].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  const placed = all.body.data.find((e) => e.body === 'order placed')!;
  assert.deepEqual(
    { ...placed, attributes: undefined, resource: undefined },
    {
      timeUnixNano: SDK_TIME_NS.toString(),
      time: new Date(Number(SDK_TIME_NS / 1_000_000n)).toISOString(),
      service: 'checkout',
      severity: 'info',
      severityNumber: 9,
      severityText: 'INFO',
      body: 'order placed',
      traceId: SDK_TRACE_ID,
      spanId: '00f067aa0ba902b7',
      correlationId: 'corr-abc',
      attributes: undefined,
      resource: undefined,
    },
  );
  assert.equal(placed.resource['service.name'], 'checkout');
  assert.equal(placed.attributes['order.id'], 'ord-42');

  assert.deepEqual((await logs('service=payments')).body.data.map((e) => e.body), ['card declined', 'charging card']);
  assert.deepEqual((await logs('severity=error,fatal')).body.data.map((e) => e.service).sort(), ['checkout', 'payments']);
  assert.deepEqual((await logs('q=declin')).body.data.map((e) => e.body), ['card declined', JSON.stringify({ message: 'payment declined', code: 402, retry: false })]);
  assert.deepEqual((await logs('q=GET%20%2Fcheckout')).body.data.map((e) => e.service), ['gateway']);
  assert.deepEqual((await logs('attr=stock.level:3')).body.data.map((e) => e.body), ['stock low']);
  assert.deepEqual((await logs('attr=order.id:ord-42&service=checkout')).body.data.length, 1);
  const windowed = await logs(`start=${Number(SDK_TIME_NS / 1_000_000n) + 1}&end=${NOW_MS}`);
  assert.deepEqual(windowed.body.data.map((e) => e.service), ['payments', 'payments']);
});

test('GET /api/logs: cursor pages through without gaps or repeats', async () => {
  const seen: string[] = [];
  let cursor: string | null = '';
  let pages = 0;
  while (cursor !== null) {
    const page = await logs(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...page.body.data.map((e) => e.body));
    cursor = page.body.nextCursor;
    pages++;
  }
  assert.equal(pages, 2);
  assert.equal(seen.length, 6);
  assert.equal(new Set(seen).size, 6);
});

test('GET /api/logs?traceId=: logs of the trace, including those that only knew its correlation id', async () => {
  const byTrace = await logs(`traceId=${GATEWAY_TRACE}`);
  assert.deepEqual(byTrace.body.data.map((e) => e.service).sort(), ['gateway', 'payments', 'payments']);
  assert.ok(byTrace.body.data.every((e) => e.traceId === '' && e.correlationId === 'corr-gw-1'));
  assert.deepEqual((await logs(`traceId=${SDK_TRACE_ID}`)).body.data.map((e) => e.body), ['order placed']);
  assert.equal((await logs('correlationId=req-7')).body.data[0]!.severity, 'error');
});

test('GET /api/correlation/{id}: the traces and the logs of every service on one timeline', async () => {
  const response = await getCorrelation(new Request('http://meshlight.test/api/correlation/corr-gw-1'), { params: Promise.resolve({ id: 'corr-gw-1' }) });
  assert.equal(response.status, 200);
  const view = await response.json();
  assert.equal(view.correlationId, 'corr-gw-1');
  assert.equal(view.traces.length, 1);
  assert.equal(view.traces[0].traceId, GATEWAY_TRACE);
  assert.equal(view.traces[0].spanCount, 4);
  assert.ok(view.traces[0].rootService);
  assert.deepEqual(view.logs.map((e: { service: string }) => e.service), ['gateway', 'payments', 'payments']);
  const none = await getCorrelation(new Request('http://meshlight.test/api/correlation/none'), { params: Promise.resolve({ id: 'none' }) });
  assert.deepEqual(await none.json(), { correlationId: 'none', traces: [], logs: [], truncated: false });
});

test('GET /api/logs/volume: counts per bucket and severity', async () => {
  const start = Number(SDK_TIME_NS / 1_000_000n) - 30_000;
  const response = await getVolume(new Request(`http://meshlight.test/api/logs/volume?start=${start}&end=${start + 60_000}`), {});
  const volume = await response.json();
  assert.equal(volume.buckets.length, 60);
  const totals: Record<string, number> = {};
  for (const bucket of volume.buckets) for (const [name, n] of Object.entries(bucket.counts as Record<string, number>)) totals[name] = (totals[name] ?? 0) + n;
  assert.deepEqual(totals, { info: 2, error: 2, warn: 1, unspecified: 1 });
});

test('bad parameters are 400 with a message', async () => {
  for (const [query, pattern] of [
    ['severity=loud', /severity: unknown level/],
    ['traceId=xyz', /traceId must be 1 to 32 hex digits/],
    ['limit=0', /limit/],
    ['attr=novalue', /attr must be key:value/],
    ['start=yesterday', /start must be Unix milliseconds/],
    ['start=2000&end=1000', /start must not be after end/],
    ['cursor=abc', /cursor is not one this API returned/],
  ] as const) {
    const response = await logs(query);
    assert.equal(response.status, 400, query);
    assert.match(JSON.stringify(response.body), pattern);
  }
});
