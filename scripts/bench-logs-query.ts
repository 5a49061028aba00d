// Query timings over a large logs table: fills a scratch database with N synthetic records (SQL
// generate_series, 20 services, 1 in 50 with a trace id, 1 in 4 with a correlation id), then times
// what the issue's targets name: by trace id, by correlation id, full text over the last hour, and
// the LogQL `sum by (service_name) (count_over_time({service_name=~".+"} |= "error" [1m]))` over
// 1 h through the Loki API handler. Medians of 5 runs.
//
// The targets are stated "over 10 million stored records". Loading 10 M here takes long on a shared
// machine, so by default N records are spread over N / (10 M / 24 h) hours: every hour holds as many
// records as it would with 10 M over a day, so the last-hour queries (full text, LogQL) read what they
// would at 10 M; the id lookups are B-tree probes, one level shallower than at 10 M. The output says
// which. BENCH_LOGS_QUERY_RECORDS=10000000 measures the real size. BENCH_LOGS_QUERY_KEEP=1 keeps the
// database and reuses it when it holds the same records and hours (new migrations are applied to
// it; the queries' "now" is the time it was loaded, so the last hour is the same hour).
//   npx tsx scripts/bench-logs-query.ts [records] [hours]
import { createHash } from 'node:crypto';
import { parseLogQuery } from '../lib/contracts/logs-api';
import { CommonTermLearner, logTokens } from '../lib/domain/logs/log-terms';
import { logVolume, searchLogs } from '../lib/db/log-queries';
import { disconnectDb } from '../lib/db/prisma';
import { queryRange } from '../lib/http/loki-api';
import { createPgExecutor } from '../collector/store/pg-executor';
import { COUNT_STORED_LOG_VOLUME_SQL } from '../collector/store/log-store';
import { createLogPartitions } from '../collector/store/log-partitions';
import { applyMigrations } from '../lib/db/migrator';
import type { SqlExecutor } from '../collector/store/sql-executor';
import { databaseExists, databaseUrl, fmt, resetDatabase } from './bench-support';

// BENCH_LOGS_QUERY_DB: the database's name (sessions sharing a PostgreSQL each use their own).
const NAME = process.env.BENCH_LOGS_QUERY_DB ?? 'meshlight_bench_logs_query';

const TEMPLATES = ['order placed for customer', 'payment error: card declined', 'stock reserved in warehouse', 'GET /api/cart 200', 'db timeout after 5000ms', 'user logged in'];

/** Record i's body, as the SQL below writes it. */
function bodyOf(i: number): string {
  return `${TEMPLATES[i % 6]} id=${i} ${createHash('md5').update(String(i)).digest('hex')}`;
}

/** What a collector's learner adopts from these bodies. */
function commonTermsOf(bodies: readonly string[]): ReadonlySet<string> {
  const learner: CommonTermLearner = new CommonTermLearner((terms) => learner.adopt(terms));
  for (const body of bodies) learner.observe(logTokens(body));
  return learner.common;
}
const TARGET_RECORDS = 10_000_000;
const KEEP = process.env.BENCH_LOGS_QUERY_KEEP === '1';

export interface LogsQueryFigures {
  records: number;
  hours: number;
  loadSeconds: number;
  bytesPerRecord: number;
  /** Median ms per query, with its target. */
  timings: Array<{ label: string; ms: number; targetMs: number }>;
}

async function time(label: string, run: () => Promise<unknown>): Promise<number> {
  await run();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await run();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  return runs[2]!;
}

export async function runLogsQueryBench(
  N = Number(process.env.BENCH_LOGS_QUERY_RECORDS ?? 1_000_000),
  hours = (24 * N) / TARGET_RECORDS,
): Promise<LogsQueryFigures> {
  const url = databaseUrl(NAME);
  const kept = KEEP ? await keptLoad(N, hours) : undefined;
  const nowMs = kept?.nowMs ?? Date.now();
  const nowNs = BigInt(nowMs) * 1_000_000n;
  let loadSeconds = kept?.loadSeconds ?? 0;
  let bytesPerRecord = kept?.bytesPerRecord ?? 0;
  if (!kept) await resetDatabase(NAME);
  const db = createPgExecutor(url, 1);
  try {
    await applyMigrations(db);
    if (kept) console.log(`  ${NAME}: kept from an earlier run (loaded ${new Date(nowMs).toISOString()})`);
    else ({ loadSeconds, bytesPerRecord } = await load(db, N, hours, nowMs));
  } finally {
    await db.close();
  }
  process.env.DATABASE_URL = url;
  const traceId = createHash('md5').update(`t${Math.floor(N / 2 / 50)}`).digest('hex');
  const hourAgo = String(nowMs - 3_600_000);
  const timings: LogsQueryFigures['timings'] = [];
  const measure = async (label: string, targetMs: number, run: () => Promise<unknown>) => {
    timings.push({ label, targetMs, ms: await time(label, run) });
  };
  try {
    await measure('by trace id (GET /api/logs?traceId=, incl. correlation join)', 100, () => searchLogs(parseLogQuery(new URLSearchParams({ traceId }))));
    await measure('by correlation id (GET /api/logs?correlationId=)', 100, () =>
      searchLogs(parseLogQuery(new URLSearchParams({ correlationId: `c-${Math.floor(N / 8)}` }))),
    );
    await measure('full text, last hour, common word (q=timeout, 100 newest)', 500, () =>
      searchLogs(parseLogQuery(new URLSearchParams({ q: 'timeout', start: hourAgo, end: String(nowMs) }))),
    );
    // A common word that no row passing the other filter has (the bodies with `timeout` are errors):
    // the walk reads at most TEXT_WALK_ROWS rows and ends the page there, with a cursor.
    await measure('full text, last hour, common word + severity=info, no match', 500, () =>
      searchLogs(parseLogQuery(new URLSearchParams({ q: 'timeout', severity: 'info', start: hourAgo, end: String(nowMs) }))),
    );
    await measure('full text, last hour, rare token (q=id=<n>)', 500, () =>
      searchLogs(parseLogQuery(new URLSearchParams({ q: `id=${Math.floor(N / (hours * 4))}`, start: hourAgo, end: String(nowMs) }))),
    );
    // What GET /api/logs/volume runs.
    const histogram = (params: Record<string, string>) => () => {
      const query = parseLogQuery(new URLSearchParams(params));
      return logVolume({ ...query, startNs: query.startNs!, endNs: query.endNs! });
    };
    // The logs page's histogram (no target in the issue; the page waits for it beside the table).
    await measure('histogram, last hour (GET /api/logs/volume\'s query)', 0, histogram({ start: hourAgo, end: String(nowMs) }));
    await measure(`histogram, last ${fmt(Math.min(hours, 24))} h`, 0, histogram({ start: String(nowMs - Math.round(Math.min(hours, 24) * 3_600_000)), end: String(nowMs) }));
    await measure('histogram, last hour, q=timeout (counts the matching records)', 0, histogram({ q: 'timeout', start: hourAgo, end: String(nowMs) }));
    await measure('LogQL sum by (service_name) (count_over_time(… |= "error" [1m])), 1 h', 1000, async () => {
      const response = await queryRange(
        new URLSearchParams({ query: 'sum by (service_name) (count_over_time({service_name=~".+"} |= "error" [1m]))', start: `${nowMs - 3_600_000}000000`, end: `${nowMs}000000`, step: '60' }),
        nowNs,
      );
      if (response.status !== 200) throw new Error(await response.text());
    });
  } finally {
    await disconnectDb();
  }
  return { records: N, hours, loadSeconds, bytesPerRecord, timings };
}

/** Fills the database with N generated records over `hours` up to `nowMs`. */
async function load(db: SqlExecutor, N: number, hours: number, nowMs: number): Promise<{ loadSeconds: number; bytesPerRecord: number }> {
  const nowNs = BigInt(nowMs) * 1_000_000n;
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 });
  const firstDay = Math.floor((nowMs - hours * 3_600_000) / 86_400_000);
  const days: number[] = [];
  for (let day = firstDay; day <= Math.floor(nowMs / 86_400_000); day++) days.push(day);
  await partitions.ensureDays(days);
  await db.query(`INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
    SELECT s, 'svc-' || s, jsonb_build_object('service.name', 'svc-' || s), 0, '' FROM generate_series(0, 19) s`);
  await db.query(`INSERT INTO scopes (id, name, version, attributes) VALUES (0, 'bench', '', '{}')`);
  // The common terms a collector would have learned from these bodies (their template words), so
  // the full-text index holds what it would after ingest: the rare terms only.
  const common = commonTermsOf(Array.from({ length: 20_000 }, (_, i) => bodyOf(i)));
  await db.query(`INSERT INTO log_common_terms (term, added_ns) SELECT t, 0 FROM unnest($1::text[]) AS t`, [[...common]]);
  const start = process.hrtime.bigint();
  const chunk = 250_000;
  for (let from = 0; from < N; from += chunk) {
    await db.query(
      `INSERT INTO logs (time_ns, observed_ns, service_name, severity_number, severity_text, body, trace_id, span_id, correlation_id, resource_id, scope_id, attributes, terms)
       SELECT g.*, array_to_tsvector(ARRAY(
                SELECT DISTINCT left(t, 64) FROM unnest(regexp_split_to_array(lower(g.body), '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+')) AS t
                 WHERE t <> '' AND t NOT IN (SELECT term FROM log_common_terms)))
         FROM (SELECT $1::bigint - i * $2::bigint, $1::bigint, 'svc-' || (i % 20), (ARRAY[9,9,9,13,17,5])[1 + i % 6], NULL::text,
                      (ARRAY['${TEMPLATES.join("','")}'])[1 + i % 6] || ' id=' || i || ' ' || md5(i::text) AS body,
                      CASE WHEN i % 50 = 0 THEN decode(md5('t' || (i / 50)), 'hex') END, NULL::bytea,
                      CASE WHEN i % 4 = 0 THEN 'c-' || (i / 4) END, i % 20, 0,
                      jsonb_build_object('http.route', '/api/' || (i % 30), 'user.id', 'u-' || (i % 1000))
                 FROM generate_series($3::bigint, $4::bigint) i) AS g`,
      [nowNs.toString(), (BigInt(Math.round(hours * 3_600_000)) * 1_000_000n / BigInt(N)).toString(), from, Math.min(N, from + chunk) - 1],
    );
  }
  // What the collector would have counted at ingest, for the histogram.
  await db.query(COUNT_STORED_LOG_VOLUME_SQL);
  await db.query('ANALYZE logs');
  const loadSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const size = await db.query<{ bytes: string }>(`SELECT sum(pg_total_relation_size(inhrelid))::text AS bytes FROM pg_inherits WHERE inhparent = 'logs'::regclass`);
  const bytesPerRecord = Number(size[0]!.bytes) / N;
  await db.query(`CREATE TABLE bench_logs_query_meta AS SELECT $1::bigint AS records, $2::float8 AS hours, $3::bigint AS now_ms, $4::float8 AS load_seconds, $5::float8 AS bytes_per_record`, [
    N,
    hours,
    nowMs,
    loadSeconds,
    bytesPerRecord,
  ]);
  return { loadSeconds, bytesPerRecord };
}

/** A kept database's load, when it holds N records over `hours`. */
async function keptLoad(N: number, hours: number): Promise<{ nowMs: number; loadSeconds: number; bytesPerRecord: number } | undefined> {
  if (!(await databaseExists(NAME))) return undefined;
  const db = createPgExecutor(databaseUrl(NAME), 1);
  try {
    const rows = await db.query<{ records: string; hours: number; now_ms: string; load_seconds: number; bytes_per_record: number }>('SELECT * FROM bench_logs_query_meta');
    const row = rows[0];
    if (!row || Number(row.records) !== N || Math.abs(row.hours - hours) > 1e-9) return undefined;
    return { nowMs: Number(row.now_ms), loadSeconds: row.load_seconds, bytesPerRecord: row.bytes_per_record };
  } catch {
    return undefined;
  } finally {
    await db.close();
  }
}

export function printLogsQuery(f: LogsQueryFigures): void {
  const perHour = f.records / f.hours;
  const atTarget = f.records >= TARGET_RECORDS;
  console.log(
    `  query: ${fmt(f.records)} records over ${fmt(f.hours, 1)} h (${fmt(perHour)}/hour${atTarget ? '' : `, the density of ${fmt(TARGET_RECORDS)} over 24 h`}), ` +
      `loaded by SQL in ${fmt(f.loadSeconds)} s, ${fmt(f.bytesPerRecord)} bytes/record`,
  );
  if (!atTarget) {
    console.log(`    (not 10 M records: last-hour queries read the 10 M density; id lookups are B-tree probes one level shallower than at 10 M)`);
  }
  for (const t of f.timings) {
    const target = t.targetMs > 0 ? `(target ≤ ${fmt(t.targetMs)} ms; ratio ${fmt(t.ms / t.targetMs, 2)})` : '(no target)';
    console.log(`    ${t.label.padEnd(66)} ${fmt(t.ms, 1).padStart(8)} ms  ${target}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const records = Number(process.argv[2] ?? 1_000_000);
  runLogsQueryBench(records, process.argv[3] ? Number(process.argv[3]) : undefined)
    .then(printLogsQuery)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
