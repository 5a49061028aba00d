// Trace search and trace loads whose cost follows the result (issue 18), on the real PostgreSQL
// with 200,000 analyzed spans over two daily partitions: enough rows that reading a partition in
// full is the planner's expensive choice, so a plan that still does is a real regression. Every
// query is the one the code sends (recorded at pg.Client#query, tests/support/query-recorder.ts),
// EXPLAINed with its own parameters. Results of the newest-first walk are checked against the
// plain GROUP BY it replaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { GET as searchTraces } from '../../app/api/traces/route';
import { getDb } from '../../lib/db/prisma';
import { loadCompactTracePart, loadSmallCompactTrace, loadSpan, searchTraceSpans } from '../../lib/db/trace-explorer-queries';
import { readTracePartsForPage, takeTracePart } from '../../lib/db/trace-part-handoff';
import { findTraceIds, loadTraceRows, searchLoadWindow, summarizeTraces } from '../../lib/db/trace-queries';
import { streamTraceRows } from '../../lib/db/trace-row-stream';
import type { TraceQuery } from '../../lib/domain/trace-query';
import { SEARCH_READ_BATCH } from '../../lib/http/jaeger-search-response';
import { jaegerTracesFromRows } from '../../lib/jaeger/rows-to-jaeger';
import { GENERATED, generatedService, generatedTraceId, insertGeneratedDictionaries, insertGeneratedSpans } from '../support/generated-spans';
import { createSpansPartition } from '../support/insert-spans';
import { useQueryDatabase } from '../support/query-database';
import { explain, recordQueries, type RecordedQuery } from '../support/query-recorder';

const DAY_NS = 86_400_000_000_000n;
const HOUR_NS = 3_600_000_000_000n;
/** 2024-11-21T00:00:00Z. Spans fill days 0 and 1; days -1 and 2 hold a few, to see pruning. */
const DAY0_NS = 1_732_147_200_000_000_000n;
const TRACES = 10_000;
const SPACING_NS = (2n * DAY_NS) / BigInt(TRACES);
const PARTITIONS = ['spans_pday_1', 'spans_pday0', 'spans_pday1', 'spans_pday2'];

const database = useQueryDatabase('meshlight_search_plans', async (client) => {
  for (let day = -1; day <= 2; day++) {
    await createSpansPartition(client, PARTITIONS[day + 1]!, DAY0_NS + BigInt(day) * DAY_NS, DAY0_NS + BigInt(day + 1) * DAY_NS);
  }
  await insertGeneratedDictionaries(client);
  await insertGeneratedSpans(client, { fromTrace: 0, toTrace: TRACES, startNs: DAY0_NS, spacingNs: SPACING_NS });
  // A trace each in the outer days, so those partitions are not empty.
  await insertGeneratedSpans(client, { fromTrace: TRACES, toTrace: TRACES + 1, startNs: DAY0_NS - DAY_NS / 2n - BigInt(TRACES) * SPACING_NS, spacingNs: SPACING_NS });
  await insertGeneratedSpans(client, { fromTrace: TRACES + 1, toTrace: TRACES + 2, startNs: DAY0_NS + 2n * DAY_NS + HOUR_NS - BigInt(TRACES + 1) * SPACING_NS, spacingNs: SPACING_NS });
  await client.query('ANALYZE');
});

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The plans of the recorded queries that read spans. */
async function spanPlans(queries: RecordedQuery[]): Promise<string[]> {
  const reads = queries.filter((query) => /\bFROM spans\b/.test(query.text));
  assert.ok(reads.length > 0, 'no span query was recorded');
  return withClient((client) => Promise.all(reads.map((query) => explain(client, query))));
}

function assertIndexOnly(plans: string[], index: RegExp, what: string): void {
  for (const plan of plans) {
    // The outer days' partitions hold one trace each: reading them whole is right, and cheap.
    assert.doesNotMatch(plan, /Seq Scan on spans_pday[01] /, `${what} reads a partition in full:\n${plan}`);
    assert.match(plan, index, `${what} does not use ${index}:\n${plan}`);
  }
}

/** Day 0, 18:00–19:00: inside one partition, so the ±1 day margin leaves day 2 out. */
const searchWindow = { startNs: DAY0_NS + 18n * HOUR_NS, endNs: DAY0_NS + 19n * HOUR_NS };
/** 20 traces of that hour. */
const ids = Promise.resolve(Array.from({ length: 20 }, (_, i) => generatedTraceId(3760 + i * 3)));

test('a search result of 20 traces is loaded through the trace-id index of the window’s partitions only', async () => {
  const traceIds = await ids;
  const { result, queries } = await recordQueries(() => loadTraceRows(traceIds, searchLoadWindow(searchWindow)));
  assert.equal(result.traces.length, 20);
  assert.ok(result.traces.every((trace) => trace.rows.length === GENERATED.spansPerTrace));
  const spanReads = queries.filter((query) => /\bFROM spans\b/.test(query.text));
  assert.equal(spanReads.length, 2, 'two span shares (resources and scopes are then read by id)');
  // Split by trace: each share asks for its own half of the ids, so neither visits the other's rows.
  const asked = spanReads.map((query) => query.values[0] as string[]);
  assert.deepEqual(asked.map((share) => share.length), [10, 10]);
  assert.deepEqual(asked.flat().sort(), traceIds.map((id) => `\\x${id}`).sort());
  const plans = await spanPlans(queries);
  assertIndexOnly(plans, /trace_id_idx/, 'loadTraceRows');
  for (const plan of plans) assert.doesNotMatch(plan, /spans_pday2/, `day 2 is outside the window ± 1 day:\n${plan}`);
});

test('traces by id without a window read the trace-id index of every partition', async () => {
  const traceIds = await ids;
  const { result, queries } = await recordQueries(() => loadTraceRows(traceIds));
  assert.equal(result.traces.length, 20);
  assertIndexOnly(await spanPlans(queries), /trace_id_idx/, 'loadTraceRows without a window');
});

test('the result list’s summaries read the trace-id index', async () => {
  const traceIds = await ids;
  const { result, queries } = await recordQueries(() => summarizeTraces(traceIds, searchLoadWindow(searchWindow)));
  assert.deepEqual(result.map((summary) => summary.traceId), traceIds);
  assert.ok(result.every((summary) => summary.spanCount === GENERATED.spansPerTrace && summary.hasRoot));
  // Every generated trace touches 20 services, one span each (the services arrive as parsed JSON).
  assert.ok(result.every((summary) => summary.services.length === GENERATED.spansPerTrace && summary.services.every((service) => service.spanCount === 1)));
  assert.ok(result.every((summary) => typeof summary.rootService === 'string' && summary.durationNs > 0n));
  assertIndexOnly(await spanPlans(queries), /trace_id_idx/, 'summarizeTraces');
});

test('the trace page’s reads: its size probe uses the trace-id index; a part it read is handed to the island’s request once', async () => {
  const [traceId] = await ids;
  const { result, queries } = await recordQueries(async () => ({
    whole: await loadSmallCompactTrace(traceId!, 1000),
    tooLarge: await loadSmallCompactTrace(traceId!, GENERATED.spansPerTrace - 1),
  }));
  assert.equal(result.whole?.spanIds.length, GENERATED.spansPerTrace, 'a small trace comes whole, as one part');
  assert.equal(result.tooLarge, undefined, 'a larger one is left to the island');
  assertIndexOnly(await spanPlans(queries), /trace_id_idx/, 'the size probe');

  const [read] = await readTracePartsForPage(traceId!, 2);
  const handed = await recordQueries(() => takeTracePart(traceId!, 0, 2));
  assert.equal(handed.result, read, 'the page’s read itself');
  assert.equal(handed.queries.filter((query) => /\bFROM spans\b/.test(query.text)).length, 0, 'no second read');
  const again = await recordQueries(() => takeTracePart(traceId!, 0, 2));
  assert.notEqual(again.result, read, 'handed over once only');
  assert.deepEqual(again.result, read);
  assert.ok(again.queries.some((query) => /\bFROM spans\b/.test(query.text)), 'then read afresh');
  await takeTracePart(traceId!, 1, 2);
});

test('the trace explorer’s and the Jaeger trace API’s reads of one trace use the trace-id index', async () => {
  const [traceId] = await ids;
  const { result, queries } = await recordQueries(async () => {
    const part = await loadCompactTracePart(traceId!, 0, 2);
    const found = await searchTraceSpans(traceId!, 'cache.miss');
    const span = await loadSpan(traceId!, part!.spanIds[0]!);
    let streamed = 0;
    const stream = streamTraceRows(traceId!, {}, { ready: () => {}, row: () => void streamed++ });
    await stream.done;
    return { part, found, span, streamed };
  });
  assert.ok(result.part!.spanIds.length > 0);
  assert.equal(result.found.length, 5, 'every fourth span has a cache.miss event');
  assert.equal(result.span?.spanId, result.part!.spanIds[0]);
  assert.equal(result.streamed, GENERATED.spansPerTrace);
  assertIndexOnly(await spanPlans(queries), /trace_id_idx/, 'the single-trace reads');
});

const service = generatedService(7, 0);
const day: Pick<TraceQuery, 'startNs' | 'endNs'> = { startNs: DAY0_NS + 6n * HOUR_NS, endNs: DAY0_NS + 30n * HOUR_NS };
const searches: { name: string; query: TraceQuery; index: RegExp }[] = [
  { name: 'service, 1 h', query: { service, tags: {}, ...searchWindow, limit: 20 }, index: /service_name_start_ns_idx/ },
  { name: 'service, 24 h', query: { service, tags: {}, ...day, limit: 20 }, index: /service_name_start_ns_idx/ },
  { name: 'service + status 500', query: { service, tags: { 'http.response.status_code': '500' }, ...day, limit: 20 }, index: /service_name_start_ns_idx|attributes_idx/ },
  {
    name: 'service + operation + minDuration',
    query: { service, operation: 'GET /api/v1/op-3', minDurationNs: 100_000_000n, tags: {}, ...day, limit: 20 },
    index: /service_name_name_start_ns_idx/,
  },
  { name: 'service + rare attribute', query: { service, tags: { 'app.order.id': 'ord-5007' }, ...day, limit: 20 }, index: /attributes_idx/ },
  { name: 'service, 1500', query: { service, tags: {}, ...day, limit: 1500 }, index: /service_name_start_ns_idx/ },
  { name: 'no service, 1 h', query: { tags: {}, ...searchWindow, limit: 20 }, index: /service_name_start_ns_idx/ },
  { name: 'no service, errors', query: { tags: { error: 'true' }, ...day, limit: 5 }, index: /service_name_start_ns_idx|attributes_idx/ },
];

/** What the search means: the newest `limit` traces by their newest matching span, by brute force. */
async function expected(query: TraceQuery): Promise<string[]> {
  const conditions = ['s.start_ns BETWEEN $1::bigint AND $2::bigint'];
  const values: unknown[] = [query.startNs.toString(), query.endNs.toString()];
  const add = (sql: string, value: unknown) => conditions.push(sql.replace('?', `$${values.push(value)}`));
  if (query.service) add('s.service_name = ?', query.service);
  if (query.operation) add('s.name = ?', query.operation);
  if (query.minDurationNs) add('s.duration_ns >= ?::bigint', query.minDurationNs.toString());
  for (const [key, value] of Object.entries(query.tags)) {
    if (key === 'error') conditions.push('s.status_code = 2');
    else add(`s.attributes ->> '${key}' = ?`, value);
  }
  values.push(query.limit);
  return withClient(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `SELECT encode(s.trace_id, 'hex') AS id FROM spans s WHERE ${conditions.join(' AND ')}
       GROUP BY s.trace_id ORDER BY max(s.start_ns) DESC LIMIT $${values.length}::int`,
      values,
    );
    return rows.map((row) => row.id);
  });
}

for (const { name, query, index } of searches) {
  test(`search "${name}": the newest traces, found by walking an index, never by reading a partition`, async () => {
    const { result, queries } = await recordQueries(() => findTraceIds(query, getDb()));
    const want = await expected(query);
    assert.ok(want.length > 0, 'the search matches something');
    assert.deepEqual(result, want);
    const plans = await spanPlans(queries);
    assertIndexOnly(plans, index, name);
    for (const plan of plans) assert.doesNotMatch(plan, /Group Key: .*trace_id/, `${name} groups spans by trace:\n${plan}`);
  });
}

test('a walk that needs several batches (many matching spans per trace) still finds the newest traces', async () => {
  const query: TraceQuery = { tags: { 'code.function': 'handleRequest' }, ...searchWindow, limit: 30 };
  const { result, queries } = await recordQueries(() => findTraceIds(query));
  assert.ok(queries.filter((q) => /\bFROM spans\b/.test(q.text)).length > 1, 'more than one batch was read');
  assert.deepEqual(result, await expected(query));
});

test('GET /api/traces streams a search of several read batches as the one buffered response would be', async () => {
  const limit = 2 * SEARCH_READ_BATCH + 50;
  const query: TraceQuery = { service, tags: {}, ...day, limit };
  const micros = (ns: bigint) => (ns / 1000n).toString();
  const response = await searchTraces(
    new Request(`http://meshlight.test/api/traces?service=${service}&start=${micros(day.startNs)}&end=${micros(day.endNs)}&limit=${limit}`),
    undefined,
  );
  assert.equal(response.status, 200);
  const streamed = JSON.parse(await response.text());
  const ids = await findTraceIds(query);
  assert.equal(ids.length, limit);
  const buffered = JSON.parse(Buffer.concat([...jaegerTracesFromRows(await loadTraceRows(ids, searchLoadWindow(query)))]).toString('utf8'));
  assert.equal(streamed.data.length, limit);
  assert.deepEqual(streamed, buffered);
});

test('a streamed search reads the resources and scopes only for batches that bring new ones', async () => {
  const limit = 4 * SEARCH_READ_BATCH;
  const micros = (ns: bigint) => (ns / 1000n).toString();
  const { result: response, queries } = await recordQueries(async () => {
    const answer = await searchTraces(
      new Request(`http://meshlight.test/api/traces?service=${service}&start=${micros(day.startNs)}&end=${micros(day.endNs)}&limit=${limit}`),
      undefined,
    );
    return { status: answer.status, body: JSON.parse(await answer.text()) as { data: { processes: Record<string, unknown> }[] } };
  });
  assert.equal(response.status, 200);
  assert.equal(response.body.data.length, limit);
  assert.ok(response.body.data.every((trace) => Object.keys(trace.processes).length === GENERATED.spansPerTrace), 'every trace has its processes');
  const dictionaryReads = queries.filter((query) => /\bFROM resources r\b/.test(query.text)).length;
  // The first two batches are read at once (neither knows the other's); every later one finds its
  // 50 services' resources already known.
  assert.ok(dictionaryReads >= 1 && dictionaryReads <= 2, `${dictionaryReads} dictionary reads for 4 batches`);
});
