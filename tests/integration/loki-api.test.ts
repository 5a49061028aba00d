// Loki's query API end to end below HTTP: a Loki push and pino lines are written by LogStore into
// the real PostgreSQL, then the route handlers under app/loki/api/v1 answer LogQL range and
// instant queries, labels, label values and series in Loki's shapes, and refuse what is unsupported
// with Loki's plain-text 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GET as getLabelValues } from '../../app/loki/api/v1/label/[name]/values/route';
import { GET as getLabels } from '../../app/loki/api/v1/labels/route';
import { GET as getQuery } from '../../app/loki/api/v1/query/route';
import { GET as getQueryRange, POST as postQueryRange } from '../../app/loki/api/v1/query_range/route';
import { GET as getSeries } from '../../app/loki/api/v1/series/route';
import { decodeLokiPushJson } from '../../collector/receivers/loki/decode-loki-json';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { disconnectDb } from '../../lib/db/prisma';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const T0 = 1_763_700_000_000_000_000n; // 2025-11-21T04:40:00Z
const sec = (n: number) => String(T0 + BigInt(n) * 1_000_000_000n);
let database: ScratchDatabase;

before(async () => {
  database = await createScratchDatabase('meshlight_loki_api');
  await migrateDatabase(database.url);
  const db = createPgExecutor(database.url, 1);
  try {
    const store = new LogStore(db, createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => Number(T0 / 1_000_000n)));
    const push = JSON.stringify({
      streams: [
        {
          stream: { service_name: 'api', env: 'prod' },
          values: [
            [sec(0), '{"level":"info","msg":"start","status":200}'],
            [sec(10), '{"level":"error","msg":"payment failed","status":502}'],
            [sec(40), '{"level":"error","msg":"payment failed again","status":503}'],
          ],
        },
        { stream: { service_name: 'cart', env: 'prod' }, values: [[sec(20), 'level=warn msg="slow cart" items=12']] },
      ],
    });
    await store.write(encodeLogRows(decodeLokiPushJson(push, { receivedNs: T0 })));
  } finally {
    await db.close();
  }
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  await disconnectDb();
  await database?.drop();
});

const url = (path: string, params: Record<string, string>) => `http://meshlight.test${path}?${new URLSearchParams(params)}`;
const range = { start: sec(-60), end: sec(60) };

async function call(response: Promise<Response>): Promise<{ status: number; type: string; body: any }> {
  const res = await response;
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.includes('json') ? await res.json() : await res.text() };
}

test('query_range, log query: streams in Loki shape, newest first, pipeline applied', async () => {
  const { status, body } = await call(getQueryRange(new Request(url('/loki/api/v1/query_range', { ...range, query: '{service_name="api"} |= "payment" | json | status >= 503' })), {}));
  assert.equal(status, 200);
  assert.equal(body.status, 'success');
  assert.equal(body.data.resultType, 'streams');
  assert.equal(body.data.result.length, 1);
  assert.deepEqual(body.data.result[0].values, [[sec(40), '{"level":"error","msg":"payment failed again","status":503}']]);
  assert.equal(body.data.result[0].stream.env, 'prod');
  assert.equal(body.data.result[0].stream.level, 'error');
  const forward = await call(getQueryRange(new Request(url('/loki/api/v1/query_range', { ...range, query: '{env="prod"}', direction: 'forward', limit: '2' })), {}));
  assert.deepEqual(forward.body.data.result.flatMap((s: any) => s.values.map((v: string[]) => v[0])), [sec(0), sec(10)]);
});

test('query_range, metric query (POSTed as a form, as Grafana may): a matrix per service', async () => {
  const form = new URLSearchParams({ ...range, step: '60', query: 'sum by (service_name) (count_over_time({service_name=~".+"} |= "a" [1m]))' });
  const request = new Request('http://meshlight.test/loki/api/v1/query_range', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const { body } = await call(postQueryRange(request, {}));
  assert.equal(body.data.resultType, 'matrix');
  // Steps at -60 s, 0 s and 60 s; each counts the window (t - 1m, t].
  const t0 = Number(BigInt(sec(0)) / 1_000_000n) / 1000;
  const t60 = t0 + 60;
  assert.deepEqual(
    body.data.result.map((s: any) => [s.metric, s.values]),
    [
      [{ service_name: 'api' }, [[t0, '1'], [t60, '2']]],
      [{ service_name: 'cart' }, [[t60, '1']]],
    ],
  );
});

test('instant query: a vector; a log query is refused as Loki refuses it', async () => {
  const { body } = await call(getQuery(new Request(url('/loki/api/v1/query', { time: sec(45), query: 'sum(rate({env="prod"} |= "error" [1m]))' })), {}));
  assert.equal(body.data.resultType, 'vector');
  assert.deepEqual(body.data.result[0].metric, {});
  assert.equal(body.data.result[0].value[1], String(2 / 60));
  const refused = await call(getQuery(new Request(url('/loki/api/v1/query', { query: '{env="prod"}' })), {}));
  assert.equal(refused.status, 400);
  assert.match(refused.body, /log queries are not supported as an instant query type/);
});

test('labels, label values and series', async () => {
  assert.deepEqual((await call(getLabels(new Request(url('/loki/api/v1/labels', range)), {}))).body, { status: 'success', data: ['env', 'service_name'] });
  const values = await call(getLabelValues(new Request(url('/loki/api/v1/label/service_name/values', range)), { params: Promise.resolve({ name: 'service_name' }) }));
  assert.deepEqual(values.body.data, ['api', 'cart']);
  const series = await call(getSeries(new Request(url('/loki/api/v1/series', { ...range, 'match[]': '{service_name="cart"}' })), {}));
  assert.deepEqual(series.body.data, [{ env: 'prod', service_name: 'cart' }]);
});

test('bad and unsupported queries: 400 with the message as plain text', async () => {
  for (const [query, pattern] of [
    ['{env="prod"} | pattern "<a>"', /unsupported LogQL: the pattern parser is not supported/],
    ['{env=', /parse error at line 1/],
    ['', /query parameter is required/],
  ] as const) {
    const { status, type, body } = await call(getQueryRange(new Request(url('/loki/api/v1/query_range', { ...range, query })), {}));
    assert.equal(status, 400, query);
    assert.match(type, /text\/plain/);
    assert.match(body, pattern);
  }
  const badTime = await call(getQueryRange(new Request(url('/loki/api/v1/query_range', { query: '{env="prod"}', start: 'soon' })), {}));
  assert.match(badTime.body, /invalid start/);
});
