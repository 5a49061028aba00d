// The logs' reads for the UI server: a filtered, newest-first page of log records (keyset
// pagination on (time_ns, id)), the log volume by severity over time for the histogram, and one
// correlation id's traces and logs. Raw SQL on the shared pool, like trace-explorer-queries.ts:
// full-text search, jsonb containment and the correlation join are clearer in SQL than through Prisma.
import type { Attributes } from '../domain/model';
import { indexAnswers, prefixTsQuery, queryWords, wordStartRegex } from '../domain/logs/log-terms';
import { severityName, severityRange } from '../domain/logs/severity';
import { ceilDiv, floorDiv } from '../domain/integer-division';
import { NANOS_PER_MINUTE, severityGroupSql } from '../domain/logs/volume';
import {
  encodeLogCursor,
  type CorrelatedTrace,
  type CorrelationView,
  type LogEntry,
  type LogQuery,
  type LogsPage,
  type VolumeBucket,
} from '../contracts/logs-api';
import { getDb, type Db } from './prisma';

interface LogRow {
  time_ns: string;
  id: string;
  service_name: string;
  severity_number: number;
  severity_text: string | null;
  body: string;
  trace_id: string | null;
  span_id: string | null;
  correlation_id: string | null;
  attributes: Attributes;
  resource: Attributes | null;
}

const LOG_COLUMNS = `l.time_ns::text AS time_ns, l.id::text AS id, l.service_name, l.severity_number, l.severity_text, l.body,
  encode(l.trace_id, 'hex') AS trace_id, encode(l.span_id, 'hex') AS span_id, l.correlation_id, l.attributes,
  r.attributes AS resource`;

/**
 * How a free-text query is asked: its words (each must start a token of the body), and the prefix
 * tsquery of those the `terms` index answers ('' when none does; log-terms.ts says which).
 */
export interface TextPlan {
  words: string[];
  indexed: string[];
  tsquery: string;
}

/** Which query words a common term starts with: the index lacks those terms in recent rows. */
async function wordsWithCommonTerms(words: readonly string[], db: Db): Promise<Set<string>> {
  if (words.length === 0) return new Set();
  const result = await db.pool.query<{ w: string }>(
    `SELECT w FROM unnest($1::text[]) AS w WHERE EXISTS (SELECT 1 FROM log_common_terms c WHERE starts_with(c.term, w))`,
    [words],
  );
  return new Set(result.rows.map((row) => row.w));
}

async function planText(q: string, db: Db, useIndex: boolean): Promise<TextPlan> {
  const words = queryWords(q);
  const common = useIndex ? await wordsWithCommonTerms(words, db) : new Set<string>();
  const indexed = useIndex ? words.filter((word) => indexAnswers(word, common.has(word))) : [];
  return { words, indexed, tsquery: prefixTsQuery(indexed) };
}

export type ResolvedLogQuery = Omit<LogQuery, 'limit' | 'cursor'> & { text?: TextPlan };

/**
 * Runs a query whose text part may use the `terms` index, exactly: the collector lists a term as
 * common (log_common_terms) and commits that before it writes any row without it, so if, after the
 * rows were read, still no common term starts with a word the index was asked for, every row the
 * read could see had that word's terms indexed. If one does now (a term was listed meanwhile), the
 * query is planned and run again; the third time without the index.
 */
async function withTextPlan<Q extends Omit<LogQuery, 'limit' | 'cursor'>, T>(query: Q, db: Db, run: (resolved: Q & { text?: TextPlan }) => Promise<T>): Promise<T> {
  if (!query.q) return run(query);
  for (let attempt = 0; ; attempt++) {
    const text = await planText(query.q, db, attempt < 2);
    const result = await run({ ...query, text });
    if (text.indexed.length === 0 || (await wordsWithCommonTerms(text.indexed, db)).size === 0) return result;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause of a log query (without the cursor); parameters are appended to `values`. */
export function logFilterSql(query: ResolvedLogQuery, values: unknown[]): string {
  const where: string[] = [];
  const param = (value: unknown): string => `$${values.push(value)}`;
  if (query.service) where.push(`l.service_name = ${param(query.service)}`);
  if (query.severities.length > 0) {
    where.push(
      `(${query.severities
        .map((name) => {
          const { min, max } = severityRange(name);
          return `l.severity_number BETWEEN ${min} AND ${max}`;
        })
        .join(' OR ')})`,
    );
  }
  if (query.q) {
    // The index (when it answers a word) finds the candidates; the whole query as a substring and
    // each word at the start of a token decide, so every plan returns the same rows.
    const text = query.text ?? { words: queryWords(query.q), indexed: [], tsquery: '' };
    if (text.tsquery) where.push(`l.terms @@ ${param(text.tsquery)}::tsquery`);
    where.push(`l.body ILIKE ${param(`%${escapeLike(query.q)}%`)}`);
    for (const word of text.words) where.push(`l.body ~* ${param(wordStartRegex(word))}`);
  }
  if (query.traceId) {
    const trace = param(query.traceId);
    where.push(
      // = ANY(ARRAY(subquery)) makes the learned ids an init-plan parameter, so both halves of the
      // OR are index scans (a BitmapOr); `IN (subquery)` inside an OR would scan the whole table.
      `(l.trace_id = decode(${trace}, 'hex') OR l.correlation_id = ANY(ARRAY(SELECT c.correlation_id FROM correlations c WHERE c.trace_id = decode(${trace}, 'hex'))))`,
    );
  }
  if (query.correlationId) where.push(`l.correlation_id = ${param(query.correlationId)}`);
  for (const { key, value } of query.attributes) {
    const alternatives = [JSON.stringify({ [key]: value })];
    if (/^-?\d+(\.\d+)?$/.test(value)) alternatives.push(JSON.stringify({ [key]: Number(value) }));
    if (value === 'true' || value === 'false') alternatives.push(JSON.stringify({ [key]: value === 'true' }));
    where.push(`(${alternatives.map((a) => `l.attributes @> ${param(a)}::jsonb`).join(' OR ')})`);
  }
  if (query.startNs !== undefined) where.push(`l.time_ns >= ${param(query.startNs.toString())}`);
  if (query.endNs !== undefined) where.push(`l.time_ns <= ${param(query.endNs.toString())}`);
  return where.length > 0 ? where.join(' AND ') : 'TRUE';
}

export function logEntryOfRow(row: LogRow): LogEntry {
  const timeNs = BigInt(row.time_ns);
  return {
    timeUnixNano: row.time_ns,
    time: new Date(Number(timeNs / 1_000_000n)).toISOString(),
    service: row.service_name,
    severity: severityName(row.severity_number),
    severityNumber: row.severity_number,
    severityText: row.severity_text ?? '',
    body: row.body,
    traceId: row.trace_id ?? '',
    spanId: row.span_id ?? '',
    correlationId: row.correlation_id ?? '',
    attributes: row.attributes,
    resource: row.resource ?? {},
  };
}

/**
 * Rows a free-text search the index answers first reads newest first (with the other filters) before
 * it asks the terms index: a word the index answers may still be common among the newest rows (the
 * planner cannot know how common a prefix query is), and then the newest few hundred rows fill the
 * page, while the index path finds every match in the range and sorts them.
 */
export const TEXT_PROBE_ROWS = 5000;

/**
 * Most rows one page of a search the index does not answer (every word is, or starts, a common term)
 * reads. That search walks the rows newest first, testing each; a common word fills the page from the
 * newest rows, but one that is rare among the filtered rows (a template word no info record has, with
 * `severity=info`) would read the whole range: 417,000 rows an hour at the 10 M density. After this
 * many rows the page ends with what it found (maybe nothing) and a cursor at the last row read, so the
 * next page goes on from there: every page costs at most this many rows (docs/logs.md "Figures").
 */
export const TEXT_WALK_ROWS = 50_000;

/** The least severity the partial index `logs_warn_time_ns_idx` (time_ns WHERE severity_number >= 13) holds. */
const WARN_MIN = 13;

export async function searchLogs(query: LogQuery, db: Db = getDb()): Promise<LogsPage> {
  const { limit, cursor, ...filters } = query;
  return withTextPlan(filters, db, (resolved) => searchPage({ ...resolved, limit, cursor }, db));
}

function cursorSql(query: LogQuery, values: unknown[]): string {
  return query.cursor
    ? ` AND (l.time_ns, l.id) < ($${values.push(query.cursor.timeNs.toString())}::bigint, $${values.push(query.cursor.id.toString())}::bigint)`
    : '';
}

function pageOf(rows: LogRow[], limit: number): LogsPage {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { data: page.map(logEntryOfRow), nextCursor: more && last ? encodeLogCursor(last.time_ns, last.id) : null };
}

async function searchPage(query: LogQuery & { text?: TextPlan }, db: Db): Promise<LogsPage> {
  if (query.q && !query.traceId && !query.correlationId) {
    if (!query.text?.tsquery) return walkText(query, db);
    // The newest TEXT_PROBE_ROWS rows matching everything but the text, then the text test on them:
    // if that fills the page, or those were all the rows there are, it is the answer.
    const values: unknown[] = [];
    const inner = logFilterSql({ ...query, q: undefined, text: undefined }, values) + cursorSql(query, values);
    // On the probe's rows the words are tested directly (no index: these rows are in hand).
    const text = logFilterSql({ severities: [], attributes: [], q: query.q, text: { ...query.text, tsquery: '' } }, values);
    const probe = await db.pool.query<LogRow & { probed: string }>(
      `WITH probe AS MATERIALIZED (SELECT l.* FROM logs l WHERE ${inner} ORDER BY l.time_ns DESC, l.id DESC LIMIT ${TEXT_PROBE_ROWS})
       SELECT ${LOG_COLUMNS}, (SELECT count(*) FROM probe)::text AS probed
         FROM probe l LEFT JOIN resources r ON r.id = l.resource_id
        WHERE ${text} ORDER BY l.time_ns DESC, l.id DESC LIMIT ${query.limit + 1}`,
      values,
    );
    const exhaustive = probe.rows.length > 0 && Number(probe.rows[0]!.probed) < TEXT_PROBE_ROWS;
    if (probe.rows.length > query.limit || exhaustive) return pageOf(probe.rows, query.limit);
  }
  const values: unknown[] = [];
  const where = logFilterSql(query, values) + cursorSql(query, values);
  const result = await db.pool.query<LogRow>(
    `SELECT ${LOG_COLUMNS} FROM logs l LEFT JOIN resources r ON r.id = l.resource_id
      WHERE ${where} ORDER BY l.time_ns DESC, l.id DESC LIMIT ${query.limit + 1}`,
    values,
  );
  return pageOf(result.rows, query.limit);
}

/**
 * A search the index does not answer: at most TEXT_WALK_ROWS rows of the time range read newest
 * first, by the time index (or, when every severity asked is warn or above, by the warn index), each
 * tested for the other filters and the text. The service is tested on the rows read too: asked in the
 * read, the planner walks the time index anyway (the heap is in time order, the (service, time)
 * index's rows are scattered) and the cap would count only that service's rows. The read row numbered
 * TEXT_WALK_ROWS comes back whether it matches or not (`hit` says), so a page that runs out of rows to
 * read before it is full knows where it stopped: its cursor points there, every row before was tested.
 */
async function walkText(query: LogQuery & { text?: TextPlan }, db: Db): Promise<LogsPage> {
  const values: unknown[] = [];
  const warn = query.severities.length > 0 && query.severities.every((name) => severityRange(name).min >= WARN_MIN);
  const range = { startNs: query.startNs, endNs: query.endNs, severities: warn ? query.severities : [], attributes: [] };
  const read = logFilterSql(range, values) + cursorSql(query, values);
  const test = logFilterSql({ ...query, startNs: undefined, endNs: undefined, severities: warn ? [] : query.severities }, values);
  const result = await db.pool.query<LogRow & { n: string; hit: boolean }>(
    `SELECT ${LOG_COLUMNS}, l.n::text AS n, (${test}) AS hit
       FROM (SELECT l.*, row_number() OVER (ORDER BY l.time_ns DESC, l.id DESC) AS n
               FROM logs l WHERE ${read} ORDER BY l.time_ns DESC, l.id DESC LIMIT ${TEXT_WALK_ROWS}) l
       LEFT JOIN resources r ON r.id = l.resource_id
      WHERE (${test}) OR l.n = ${TEXT_WALK_ROWS}
      ORDER BY l.time_ns DESC, l.id DESC LIMIT ${query.limit + 1}`,
    values,
  );
  const hits = result.rows.filter((row) => row.hit);
  if (hits.length > query.limit) return pageOf(hits, query.limit);
  const stop = result.rows.find((row) => Number(row.n) === TEXT_WALK_ROWS);
  return { data: hits.map(logEntryOfRow), nextCursor: stop ? encodeLogCursor(stop.time_ns, stop.id) : null };
}

type VolumeQuery = Omit<LogQuery, 'limit' | 'cursor'> & { startNs: bigint; endNs: bigint };
type VolumeRow = { bucket: string; severity_number: number; n: string };

/**
 * Record counts per time bucket and severity range, for the histogram above the table. Buckets of
 * a minute or more, with no filter but service and severity, are summed from log_volume_minutes
 * (the collector's per-minute counts) for the whole minutes of the range, and counted from the
 * records only for the part-minutes at its two ends: the cost is set by the range's minutes, not by
 * its records (a day of 10 M records is 1,440 minutes). A minute is placed in the bucket its start
 * falls in. Any other filter (text, trace, correlation, attributes) counts the matching records.
 */
export async function logVolume(query: VolumeQuery, buckets = 60, db: Db = getDb()): Promise<{ stepMs: number; buckets: VolumeBucket[] }> {
  const spanNs = query.endNs - query.startNs;
  const stepNs = spanNs / BigInt(buckets) > 1_000_000n ? spanNs / BigInt(buckets) : 1_000_000n;
  const out: VolumeBucket[] = [];
  for (let i = 0; i < buckets; i++) out.push({ t: Number((query.startNs + BigInt(i) * stepNs) / 1_000_000n), counts: {} });
  const add = (bucket: number, severityNumber: number, n: number) => {
    // The range's end is inclusive: a record at endNs is in the last bucket, not one past it.
    const target = out[Math.min(bucket, buckets - 1)];
    if (!target) return;
    const name = severityName(severityNumber);
    target.counts[name] = (target.counts[name] ?? 0) + n;
  };
  const rollup = !query.q && !query.traceId && !query.correlationId && query.attributes.length === 0 && stepNs >= NANOS_PER_MINUTE;
  // Whole minutes inside [startNs, endNs] (both ends inclusive, as the records' filter is).
  const innerStart = ceilDiv(query.startNs, NANOS_PER_MINUTE) * NANOS_PER_MINUTE;
  const innerEnd = floorDiv(query.endNs + 1n, NANOS_PER_MINUTE) * NANOS_PER_MINUTE;
  if (!rollup || innerEnd <= innerStart) {
    for (const row of await countRecords(query, query, stepNs, db)) add(Number(row.bucket), row.severity_number, Number(row.n));
  } else {
    const values: unknown[] = [(innerStart / 1_000_000n).toString(), (innerEnd / 1_000_000n).toString()];
    const where = ['minute_ms >= $1', 'minute_ms < $2'];
    if (query.service) where.push(`service_name = $${values.push(query.service)}`);
    if (query.severities.length > 0) where.push(`severity_group = ANY($${values.push(query.severities.map((name) => severityRange(name).min))}::smallint[])`);
    const minutes = await db.pool.query<{ minute_ms: string; severity_group: number; n: string }>(
      `SELECT minute_ms::text, severity_group, sum(records)::text AS n FROM log_volume_minutes WHERE ${where.join(' AND ')} GROUP BY 1, 2`,
      values,
    );
    for (const row of minutes.rows) add(Number((BigInt(row.minute_ms) * 1_000_000n - query.startNs) / stepNs), row.severity_group, Number(row.n));
    const edges: Array<[bigint, bigint]> = [
      [query.startNs, innerStart - 1n],
      [innerEnd, query.endNs],
    ];
    for (const [startNs, endNs] of edges) {
      if (endNs < startNs) continue;
      for (const row of await countRecords({ ...query, startNs, endNs }, query, stepNs, db)) add(Number(row.bucket), row.severity_number, Number(row.n));
    }
  }
  return { stepMs: Number(stepNs / 1_000_000n), buckets: out };
}

/** Counts the records `query` matches, by bucket of `stepNs` from `origin.startNs` and severity range. */
async function countRecords(query: VolumeQuery, origin: { startNs: bigint }, stepNs: bigint, db: Db): Promise<VolumeRow[]> {
  const result = await withTextPlan(query, db, (resolved) => {
    const values: unknown[] = [];
    const where = logFilterSql(resolved, values);
    const start = `$${values.push(origin.startNs.toString())}::bigint`;
    const step = `$${values.push(stepNs.toString())}::bigint`;
    return db.pool.query<VolumeRow>(
      `SELECT ((l.time_ns - ${start}) / ${step})::text AS bucket, ${severityGroupSql('l.severity_number')} AS severity_number, count(*)::text AS n
         FROM logs l WHERE ${where} GROUP BY 1, 2`,
      values,
    );
  });
  return result.rows;
}

const MAX_CORRELATION_LOGS = 2000;
const MAX_CORRELATION_TRACES = 200;

/** Every trace and log of one correlation id, across services. */
export async function loadCorrelation(correlationId: string, db: Db = getDb()): Promise<CorrelationView> {
  const traceRows = await db.pool.query<{
    trace_id: string;
    start_ns: string | null;
    end_ns: string | null;
    span_count: string;
    error_count: string;
    services: string[] | null;
    root_service: string | null;
    root_name: string | null;
  }>(
    `WITH ids AS (
       SELECT trace_id FROM correlations WHERE correlation_id = $1
       UNION SELECT DISTINCT trace_id FROM logs WHERE correlation_id = $1 AND trace_id IS NOT NULL
       LIMIT ${MAX_CORRELATION_TRACES})
     SELECT encode(ids.trace_id, 'hex') AS trace_id, min(s.start_ns)::text AS start_ns, max(s.start_ns + s.duration_ns)::text AS end_ns,
            count(s.span_id)::text AS span_count, count(*) FILTER (WHERE s.status_code = 2)::text AS error_count,
            array_agg(DISTINCT s.service_name) FILTER (WHERE s.service_name IS NOT NULL) AS services,
            (array_agg(s.service_name ORDER BY s.parent_span_id IS NOT NULL, s.start_ns))[1] AS root_service,
            (array_agg(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_ns))[1] AS root_name
       FROM ids LEFT JOIN spans s ON s.trace_id = ids.trace_id
      GROUP BY ids.trace_id ORDER BY min(s.start_ns) NULLS LAST`,
    [correlationId],
  );
  const traces: CorrelatedTrace[] = traceRows.rows.map((row) => ({
    traceId: row.trace_id,
    rootService: row.root_service ?? '',
    rootName: row.root_name ?? '',
    startNs: row.start_ns ?? '0',
    durationNs: row.start_ns && row.end_ns ? (BigInt(row.end_ns) - BigInt(row.start_ns)).toString() : '0',
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    services: row.services ?? [],
  }));
  const logRows = await db.pool.query<LogRow>(
    `SELECT ${LOG_COLUMNS} FROM logs l LEFT JOIN resources r ON r.id = l.resource_id
      WHERE l.correlation_id = $1 OR l.trace_id IN (SELECT decode(t, 'hex') FROM unnest($2::text[]) AS t)
      ORDER BY l.time_ns, l.id LIMIT ${MAX_CORRELATION_LOGS + 1}`,
    [correlationId, traces.map((t) => t.traceId)],
  );
  const truncated = logRows.rows.length > MAX_CORRELATION_LOGS;
  return {
    correlationId,
    traces,
    logs: logRows.rows.slice(0, MAX_CORRELATION_LOGS).map(logEntryOfRow),
    truncated,
  };
}
