// The query API end to end on the real PostgreSQL: a scratch database migrated with the real
// migrator, spans inserted with SQL, the route handlers called directly with Requests, and the
// Jaeger JSON checked — for the golden fixture byte-for-byte equal to the pure mapping's golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { GET as getHealth } from '../../app/api/health/route';
import { GET as getOperations } from '../../app/api/operations/route';
import { GET as getServiceOperations } from '../../app/api/services/[service]/operations/route';
import { GET as getServices } from '../../app/api/services/route';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { GET as searchTraces } from '../../app/api/traces/route';
import { disconnectDb } from '../../lib/db/prisma';
import { findTraceIds, listServiceOverviews, summarizeTraces } from '../../lib/db/trace-queries';
import { loadTraceFixture } from '../../lib/jaeger/testdata/fixture';
import { createSpansPartition, insertSpans } from '../support/insert-spans';
import { useQueryDatabase } from '../support/query-database';
import { makeResource, makeScope, makeSyntheticTrace } from '../support/synthetic-trace';

const DAY_NS = 86_400_000_000_000n;
/** 2024-11-21T00:00:00Z, the day of the golden fixture. */
const DAY_START_NS = 1_732_147_200_000_000_000n;
const HOUR_NS = 3_600_000_000_000n;
const us = (ns: bigint) => (ns / 1000n).toString();

const golden = loadTraceFixture(new URL('../../lib/jaeger/testdata/two-services-with-error.trace.json', import.meta.url));
const goldenJson = JSON.parse(
  readFileSync(new URL('../../lib/jaeger/testdata/two-services-with-error.jaeger.json', import.meta.url), 'utf8'),
);
// Three later traces, one per hour from 01:00, for recency and limit.
const hourly = [1n, 2n, 3n].map((hour) =>
  makeSyntheticTrace({ spanCount: 30, startNs: DAY_START_NS + hour * HOUR_NS, seed: Number(hour) }),
);
// A trace whose id has a zero high half: Jaeger prints and accepts it in 16 hex digits.
const shortIdTrace = makeSyntheticTrace({
  traceId: '0000000000000000' + 'c0ffee0000000001',
  spanCount: 3,
  startNs: DAY_START_NS + 5n * HOUR_NS,
  seed: 9,
});

const database = useQueryDatabase('meshlight_query_api', async (client) => {
  await createSpansPartition(client, 'spans_ptest', DAY_START_NS, DAY_START_NS + DAY_NS);
  await insertSpans(client, golden.spans);
  // An exporter retry stored the root span a second time.
  await insertSpans(client, golden.spans.slice(0, 1));
  for (const trace of [...hourly, shortIdTrace]) await insertSpans(client, trace.spans);
});

const request = (path: string) => new Request(`http://meshlight.test${path}`);
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

async function json(response: Response | Promise<Response>): Promise<{ status: number; body: any }> {
  const res = await response;
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return { status: res.status, body: await res.json() };
}

/** A search window around the golden trace only (it starts at 00:00 and lasts 250 ms). */
const GOLDEN_WINDOW = `start=${us(DAY_START_NS - 1000n)}&end=${us(DAY_START_NS + HOUR_NS / 2n)}`;

test('GET /api/traces/{id} returns the golden Jaeger JSON, duplicates removed', async () => {
  const { status, body } = await json(getTrace(request(`/api/traces/${golden.traceId}`), params({ traceId: golden.traceId })));
  assert.equal(status, 200);
  assert.deepEqual(body, goldenJson);
  assert.equal(body.data[0].spans.length, 4);
});

test('GET /api/traces/{id}: short and upper-case ids, 400 for invalid, 404 for unknown', async () => {
  const short = await json(getTrace(request('/api/traces/C0FFEE0000000001'), params({ traceId: 'C0FFEE0000000001' })));
  assert.equal(short.status, 200);
  assert.equal(short.body.data[0].traceID, 'c0ffee0000000001');
  assert.equal(short.body.data[0].spans.length, 3);

  const invalid = await json(getTrace(request('/api/traces/xyz'), params({ traceId: 'xyz' })));
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.data, null);
  assert.equal(invalid.body.errors[0].code, 400);
  assert.match(invalid.body.errors[0].msg, /invalid trace id 'xyz'/);

  const unknown = await json(getTrace(request(`/api/traces/${'f'.repeat(32)}`), params({ traceId: 'f'.repeat(32) })));
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });

  const outside = await json(
    getTrace(request(`/api/traces/${golden.traceId}?start=${us(DAY_START_NS + HOUR_NS)}`), params({ traceId: golden.traceId })),
  );
  assert.equal(outside.status, 404, 'a start/end window excludes spans outside it');
});

test('GET /api/services and operations', async () => {
  const services = await json(getServices(request('/api/services'), undefined));
  assert.equal(services.status, 200);
  assert.deepEqual(services.body.data, ['cart', 'checkout', 'frontend', 'inventory', 'payments']);
  assert.equal(services.body.total, 5);

  const legacy = await json(getServiceOperations(request('/api/services/frontend/operations'), params({ service: 'frontend' })));
  assert.ok(legacy.body.data.includes('GET /checkout'));
  assert.ok(legacy.body.data.includes('POST checkout'));
  assert.equal(new Set(legacy.body.data).size, legacy.body.data.length, 'names are unique across kinds');
  assert.equal(legacy.body.total, legacy.body.data.length);

  const servers = await json(getOperations(request('/api/operations?service=checkout&spanKind=server'), undefined));
  assert.ok(servers.body.data.some((op: { name: string }) => op.name === 'POST /api/checkout'));
  assert.ok(servers.body.data.every((op: { spanKind: string }) => op.spanKind === 'server'));
  const all = await json(getOperations(request('/api/operations?service=checkout'), undefined));
  assert.deepEqual(
    all.body.data.find((op: { name: string }) => op.name === 'charge'),
    { name: 'charge', spanKind: '' },
    'an unspecified kind is an empty string',
  );

  const missing = await json(getOperations(request('/api/operations'), undefined));
  assert.equal(missing.status, 400);
  assert.equal(missing.body.errors[0].msg, "parameter 'service' is required");
});

async function searchIds(query: string): Promise<string[]> {
  const { status, body } = await json(searchTraces(request(`/api/traces?${query}`), undefined));
  assert.equal(status, 200, JSON.stringify(body.errors));
  return body.data.map((trace: { traceID: string }) => trace.traceID);
}

test('search: tags match span attributes whatever JSON type Jaeger’s strings stand for', async () => {
  const found = [golden.traceId];
  const tags = (object: Record<string, string>) => `tags=${encodeURIComponent(JSON.stringify(object))}`;
  assert.deepEqual(await searchIds(`service=checkout&${tags({ 'http.response.status_code': '500' })}&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=checkout&${tags({ 'http.response.status_code': '404' })}&${GOLDEN_WINDOW}`), []);
  assert.deepEqual(await searchIds(`service=frontend&tag=app.cached:false&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=app.ratio:0.25&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=app.big:9223372036854775807&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=http.route:/checkout&${GOLDEN_WINDOW}`), found);
});

test('search: resource attributes, error, span.kind and otel.status_code', async () => {
  const found = [golden.traceId];
  assert.deepEqual(await searchIds(`service=checkout&tag=deployment.environment:prod&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=checkout&tag=deployment.environment:dev&${GOLDEN_WINDOW}`), []);
  assert.deepEqual(await searchIds(`service=checkout&tag=error:true&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=error:true&${GOLDEN_WINDOW}`), []);
  assert.deepEqual(await searchIds(`service=checkout&tag=otel.status_code:ERROR&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=otel.status_code:OK&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=span.kind:client&${GOLDEN_WINDOW}`), found);
  assert.deepEqual(await searchIds(`service=frontend&tag=span.kind:consumer&${GOLDEN_WINDOW}`), []);
  assert.deepEqual(await searchIds(`service=checkout&tag=otel.scope.name:checkout-app&${GOLDEN_WINDOW}`), found);
});

test('search: operation, durations, window, limit and newest-first order', async () => {
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fcheckout&${GOLDEN_WINDOW}`), [golden.traceId]);
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fcheckout&minDuration=200ms&${GOLDEN_WINDOW}`), [golden.traceId]);
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fcheckout&minDuration=300ms&${GOLDEN_WINDOW}`), []);
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fcheckout&maxDuration=100ms&${GOLDEN_WINDOW}`), []);

  const day = `start=${us(DAY_START_NS)}&end=${us(DAY_START_NS + DAY_NS - 1000n)}`;
  // The short-id trace (05:00) is the newest; Jaeger prints its id in 16 digits.
  const newestFirst = ['c0ffee0000000001', hourly[2]!.traceId, hourly[1]!.traceId, hourly[0]!.traceId];
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fapi%2Fcheckout&${day}`), newestFirst);
  assert.deepEqual(await searchIds(`service=frontend&operation=GET%20%2Fapi%2Fcheckout&${day}&limit=2`), newestFirst.slice(0, 2));
  // Without start/end the window is the last two days before now: 2024 is long gone.
  assert.deepEqual(await searchIds('service=frontend'), []);
});

test('search: full traces in the response; traceID= lookups report unknown ids', async () => {
  const { body } = await json(searchTraces(request(`/api/traces?service=checkout&tag=error:true&${GOLDEN_WINDOW}`), undefined));
  assert.deepEqual(body, goldenJson, 'search results carry the same Jaeger JSON as the trace endpoint');

  const byId = await json(
    searchTraces(request(`/api/traces?traceID=${golden.traceId}&traceID=${'e'.repeat(32)}`), undefined),
  );
  assert.equal(byId.status, 200);
  assert.equal(byId.body.data.length, 1);
  assert.deepEqual(byId.body.errors, [{ msg: 'trace not found', traceID: 'e'.repeat(32) }]);
});

test('search: invalid parameters are 400 in Jaeger’s error shape', async () => {
  for (const [query, message] of [
    ['', "parameter 'service' is required"],
    ['service=a&minDuration=soon', `unable to parse param 'minDuration': time: invalid duration "soon"`],
    ['service=a&limit=x', `unable to parse param 'limit': strconv.ParseInt: parsing "x": invalid syntax`],
    ['service=a&tags={', "malformed 'tags' parameter, cannot unmarshal JSON"],
  ] as const) {
    const { status, body } = await json(searchTraces(request(`/api/traces?${query}`), undefined));
    assert.equal(status, 400, query);
    assert.equal(body.data, null);
    assert.equal(body.errors[0].code, 400);
    assert.ok(body.errors[0].msg.startsWith(message), `${query}: ${body.errors[0].msg}`);
  }
});

test('summaries and the services overview come from SQL without loading spans', async () => {
  const [summary] = await summarizeTraces([golden.traceId]);
  assert.deepEqual(summary, {
    traceId: golden.traceId,
    rootName: 'GET /checkout',
    rootService: 'frontend',
    hasRoot: true,
    spanCount: 4,
    errorCount: 1,
    services: [
      { name: 'checkout', spanCount: 2, errorCount: 1 },
      { name: 'frontend', spanCount: 2, errorCount: 0 },
    ],
    startNs: DAY_START_NS,
    endNs: DAY_START_NS + 250_000_500n,
    durationNs: 250_000_500n,
  });
  const overview = await listServiceOverviews();
  const checkoutNames = new Set(
    [...golden.spans, ...hourly.flatMap((t) => t.spans), ...shortIdTrace.spans]
      .filter((span) => span.resource.serviceName === 'checkout')
      .map((span) => span.name),
  );
  assert.equal(overview.find((service) => service.name === 'checkout')!.operationCount, checkoutNames.size);
  // Searching without a service is for the UI; the lib allows it.
  const ids = await findTraceIds({ tags: {}, startNs: DAY_START_NS, endNs: DAY_START_NS + DAY_NS, limit: 10 });
  assert.equal(ids.length, 5);
});

test('resources seen only through a tag on the resource itself', async () => {
  // A resource attribute no span carries: matching goes through the resources table.
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const resource = makeResource('ledger', { 'cloud.region': 'eu-west-3' });
    const trace = makeSyntheticTrace({ spanCount: 2, startNs: DAY_START_NS + 6n * HOUR_NS, seed: 11 });
    for (const span of trace.spans) {
      span.resource = resource;
      span.scope = makeScope('ledger', '1.0');
    }
    await insertSpans(client, trace.spans);
    const window = `start=${us(DAY_START_NS + 6n * HOUR_NS)}&end=${us(DAY_START_NS + 7n * HOUR_NS)}`;
    assert.deepEqual(await searchIds(`service=ledger&tag=cloud.region:eu-west-3&${window}`), [trace.traceId]);
  } finally {
    await client.end();
  }
});

test('GET /api/health: ok, then 503 when the database is gone', async () => {
  const ok = await getHealth();
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: 'ok' });

  await disconnectDb();
  const real = process.env.DATABASE_URL;
  process.env.DATABASE_URL = real!.replace(/\/[^/]+$/, '/meshlight_no_such_database');
  try {
    const down = await getHealth();
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: 'unavailable', error: 'database unreachable' });
    const services = await json(getServices(request('/api/services'), undefined));
    assert.equal(services.status, 503);
    assert.equal(services.body.errors[0].code, 503);
  } finally {
    await disconnectDb();
    process.env.DATABASE_URL = real;
  }
});
