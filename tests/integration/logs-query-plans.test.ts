// The logs' free-text search where the index cannot help (issue 11: a common word plus another filter
// with no match read the whole range, 0.8–1.6 s for an hour at the 10 M density), on the real
// PostgreSQL with 120,000 analyzed records in one hour, their template words listed as common. Every
// query is the one the code sends (recorded at pg.Client#query, tests/support/query-recorder.ts),
// EXPLAIN ANALYZEd with its own parameters: a page reads at most TEXT_WALK_ROWS rows, newest first by
// the time index (or the warn index), and ends with a cursor where it stopped. Following the cursors
// gives exactly the rows of the plain query, newest first, timestamps shared by two rows included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { GET as getLogs } from '../../app/api/logs/route';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { LogsPage } from '../../lib/contracts/logs-api';
import { TEXT_WALK_ROWS } from '../../lib/db/log-queries';
import { useQueryDatabase } from '../support/query-database';
import { recordQueries } from '../support/query-recorder';

const END_MS = Date.UTC(2026, 10, 29, 10, 0, 0);
const START_MS = END_MS - 3_600_000;
const RECORDS = 120_000;
/** Two records share each timestamp (ties are broken by id). */
const SPACING_NS = (2n * 3_600_000_000_000n) / BigInt(RECORDS);
const TEMPLATES = ['order placed for customer', 'payment error: card declined', 'stock reserved in warehouse', 'GET /api/cart 200', 'db timeout after 5000ms', 'user logged in'];
/** Rows the incremental sort on (time_ns, id) reads past the last it returns (it sorts groups of 32 or more). */
const READ_AHEAD = 64;
const COMMON = [...new Set(TEMPLATES.flatMap((t) => t.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)))];

const database = useQueryDatabase('meshlight_logs_plans', async (client) => {
  const db = createPgExecutor(database.url, 1);
  try {
    await createLogPartitions(db, { retentionDays: 7, futureDays: 1 }, () => END_MS).ensureDays([Math.floor(END_MS / 86_400_000) - 1, Math.floor(END_MS / 86_400_000)]);
  } finally {
    await db.close();
  }
  await client.query(`INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
    SELECT s, 'svc-' || s, jsonb_build_object('service.name', 'svc-' || s), 0, '' FROM generate_series(0, 19) s`);
  await client.query(`INSERT INTO scopes (id, name, version, attributes) VALUES (0, 'plans', '', '{}')`);
  await client.query(`INSERT INTO log_common_terms (term, added_ns) SELECT t, 0 FROM unnest($1::text[]) AS t`, [COMMON]);
  // Record i: template i % 6 (severities info, info, info, warn, error, debug), service i % 20.
  await client.query(
    `INSERT INTO logs (time_ns, observed_ns, service_name, severity_number, body, resource_id, scope_id, attributes, terms)
     SELECT g.*, array_to_tsvector(ARRAY(
              SELECT DISTINCT t FROM unnest(regexp_split_to_array(lower(g.body), '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+')) AS t
               WHERE t <> '' AND t NOT IN (SELECT term FROM log_common_terms)))
       FROM (SELECT $1::bigint - (i / 2) * $2::bigint, $1::bigint, 'svc-' || (i % 20), (ARRAY[9,9,9,13,17,5])[1 + i % 6],
                    (ARRAY['${TEMPLATES.join("','")}'])[1 + i % 6] || ' id=' || i AS body, i % 20, 0,
                    jsonb_build_object('http.route', '/api/' || (i % 30))
               FROM generate_series(0, $3::int - 1) i) AS g`,
    [(BigInt(END_MS) * 1_000_000n).toString(), SPACING_NS.toString(), RECORDS],
  );
  await client.query('ANALYZE logs');
});

async function page(query: string, cursor?: string): Promise<LogsPage> {
  const response = await getLogs(new Request(`http://meshlight.test/api/logs?${query}&start=${START_MS}&end=${END_MS}${cursor ? `&cursor=${cursor}` : ''}`), {});
  assert.equal(response.status, 200);
  return (await response.json()) as LogsPage;
}

/** Every page of a search, following the cursors. */
async function allPages(query: string): Promise<{ bodies: string[]; pages: LogsPage[] }> {
  const pages = [await page(query)];
  while (pages.at(-1)!.nextCursor) pages.push(await page(query, pages.at(-1)!.nextCursor!));
  return { bodies: pages.flatMap((p) => p.data.map((e) => e.body)), pages };
}

/** The plans (EXPLAIN ANALYZE) of the recorded queries that read logs. */
async function logPlans(run: () => Promise<unknown>): Promise<string[]> {
  const { queries } = await recordQueries(run);
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const plans: string[] = [];
    for (const query of queries.filter((q) => /\bFROM logs\b/.test(q.text))) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN (ANALYZE, COSTS OFF) ${query.text}`, values: query.values });
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    assert.ok(plans.length > 0, 'no logs query was recorded');
    return plans;
  } finally {
    await client.end();
  }
}

/** The rows the index scans of a plan read (actual rows × loops of every Index Scan on a partition). */
function rowsRead(plan: string): number {
  let total = 0;
  for (const match of plan.matchAll(/Index Scan[^\n]* on logs_p\w+[^\n]*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/g)) total += Number(match[1]) * Number(match[2]);
  return total;
}

async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The plain query's bodies in the hour, newest first. */
async function expected(where: string): Promise<string[]> {
  const rows = await query<{ body: string }>(`SELECT body FROM logs WHERE time_ns BETWEEN $1 AND $2 AND ${where} ORDER BY time_ns DESC, id DESC`, [
    (BigInt(START_MS) * 1_000_000n).toString(),
    (BigInt(END_MS) * 1_000_000n).toString(),
  ]);
  return rows.map((row) => row.body);
}

test('a common word no info record has (q=timeout&severity=info): each page reads at most TEXT_WALK_ROWS rows by the time index', async () => {
  const plans = await logPlans(() => page('q=timeout&severity=info&limit=100'));
  assert.equal(plans.length, 1, 'one query: no probe first');
  const [plan] = plans as [string];
  assert.match(plan, /Index Scan Backward using logs_p\d+_time_ns_idx/);
  assert.doesNotMatch(plan, /Seq Scan|Bitmap/);
  const read = rowsRead(plan);
  assert.ok(read >= TEXT_WALK_ROWS && read <= TEXT_WALK_ROWS + READ_AHEAD, `rows read ${read}`);

  const { bodies, pages } = await allPages('q=timeout&severity=info&limit=100');
  assert.deepEqual(bodies, []);
  assert.equal(pages.length, Math.ceil(RECORDS / TEXT_WALK_ROWS), 'pages of TEXT_WALK_ROWS over the hour, then the rest');
  assert.ok(pages.slice(0, -1).every((p) => p.data.length === 0 && p.nextCursor));
});

test('a common word and a service that never logs it: the service is tested on the rows read, not walked by its own index to the end', async () => {
  const [plan] = (await logPlans(() => page('q=timeout&service=svc-1&limit=100'))) as [string];
  assert.match(plan, /Index Scan Backward using logs_p\d+_time_ns_idx/);
  assert.doesNotMatch(plan, /service_name_time_ns_idx/);
  assert.ok(rowsRead(plan) <= TEXT_WALK_ROWS + READ_AHEAD);
  assert.deepEqual((await allPages('q=timeout&service=svc-1&limit=100')).bodies, []);
});

test('warn and above: the walk reads the warn index; a common word that matches fills the page from the newest rows', async () => {
  const [plan] = (await logPlans(() => page('q=timeout&severity=error&limit=50'))) as [string];
  const [warnIndex] = await query<{ name: string }>(
    `SELECT i.indexrelid::regclass::text AS name FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indrelid
      WHERE h.inhparent = 'logs'::regclass AND pg_get_expr(i.indpred, i.indrelid) LIKE '%severity_number >= 13%' AND $1 LIKE '%' || i.indexrelid::regclass::text || ' %'`,
    [plan],
  );
  assert.ok(warnIndex, `the walk reads a partition's warn index:\n${plan}`);
  assert.ok(rowsRead(plan) < 500, `rows read ${rowsRead(plan)}`);
  const first = await page('q=timeout&severity=error&limit=50');
  assert.equal(first.data.length, 50);
  assert.deepEqual(
    first.data.map((e) => e.body),
    (await expected(`severity_number BETWEEN 17 AND 20 AND body ILIKE '%timeout%'`)).slice(0, 50),
  );
});

test('sparse matches: pages end where they stopped reading, and together give the plain query, newest first', async () => {
  // payment + svc-1: 1 record in 60, fewer per TEXT_WALK_ROWS rows than the page holds.
  const { bodies, pages } = await allPages('q=payment&service=svc-1&limit=1000');
  assert.ok(pages.some((p) => p.data.length > 0 && p.data.length < 1000 && p.nextCursor), 'a page ended at the cap');
  assert.deepEqual(bodies, await expected(`service_name = 'svc-1' AND body ILIKE '%payment%'`));
  const small = await allPages('q=payment&service=svc-1&attr=http.route:/api/1&limit=7');
  assert.deepEqual(small.bodies, await expected(`service_name = 'svc-1' AND body ILIKE '%payment%' AND attributes @> '{"http.route":"/api/1"}'`));
});
