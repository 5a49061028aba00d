// The UI server's reads: services and operations (from the small `operations` table), trace
// search (span filters in span-filters.ts) and loading whole traces decoded to the domain model.
// Raw SQL, always with bound parameters; ids travel as hex text (encode() in SQL) and nanoseconds
// as decimal text, so nothing is lost to doubles. The lists go through the one Prisma client; a
// search's queries (the walk, the summaries, the span reads and their resources and scopes) use the
// pool under it directly, the span reads in array mode (see lib/db/prisma.ts for why): on the
// /traces page's critical path Prisma's raw-query round trip cost about twice the pool's.
import pg from 'pg';
import type { AttributeValue, Attributes, Nanos, SpanKind, StatusCode } from '../domain/model';
import { fromStoredEvents, fromStoredLinks, type StoredEvent, type StoredLink } from '../domain/stored-span-json';
import { sortServices, type Trace, type TraceResource, type TraceScope, type TraceSpan, type TraceSummary } from '../domain/trace';
import type { OperationInfo, ServiceOverview } from '../domain/services';
import type { TraceQuery } from '../domain/trace-query';
import { Head, NO_PARENT, compareByStart, mergeSorted, type SpanDictionaries, type StoredSpanRow, type StoredTraces } from '../domain/stored-span-row';
import { getDb, type Db } from './prisma';

export type { OperationInfo, ServiceOverview };
import { attributeTags, matchingResourcesSql, newestMatchingSpansSql } from './span-filters';

// ---------------------------------------------------------------------------------------------
// Services and operations

export async function listServices(db: Db = getDb()): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ service_name: string }[]>(
    'SELECT DISTINCT service_name FROM operations ORDER BY service_name',
  );
  return rows.map((row) => row.service_name);
}

/** Operations of a service, by name then kind; one per (name, kind) pair. */
export async function listOperations(
  service: string,
  spanKind?: SpanKind,
  db: Db = getDb(),
): Promise<OperationInfo[]> {
  const rows =
    spanKind === undefined
      ? await db.prisma.$queryRawUnsafe<{ span_name: string; span_kind: number }[]>(
          'SELECT span_name, span_kind FROM operations WHERE service_name = $1 ORDER BY span_name, span_kind',
          service,
        )
      : await db.prisma.$queryRawUnsafe<{ span_name: string; span_kind: number }[]>(
          'SELECT span_name, span_kind FROM operations WHERE service_name = $1 AND span_kind = $2::smallint ORDER BY span_name',
          service,
          spanKind,
        );
  return rows.map((row) => ({ name: row.span_name, spanKind: row.span_kind as SpanKind }));
}

export async function listServiceOverviews(db: Db = getDb()): Promise<ServiceOverview[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ service_name: string; operation_count: number; last_seen_ns: string }[]>(
    `SELECT service_name, count(DISTINCT span_name)::int AS operation_count, max(last_seen_ns)::text AS last_seen_ns
     FROM operations GROUP BY service_name ORDER BY service_name`,
  );
  return rows.map((row) => ({
    name: row.service_name,
    operationCount: row.operation_count,
    lastSeenNs: BigInt(row.last_seen_ns),
  }));
}

// ---------------------------------------------------------------------------------------------
// Search

/**
 * Ids (32 hex) of traces with a span matching the query, the most recently active first: the
 * newest `limit` distinct traces among the matching spans. Matching spans are read newest first in
 * batches (span-filters.ts newestMatchingSpansSql: PostgreSQL walks a (service, start) index
 * backwards and stops at the batch's LIMIT), and the walk ends as soon as `limit` traces are
 * seen, so the cost follows the result, not the number of spans in the window. A trace's first
 * appearance in the walk is its newest matching span, which is the order asked for.
 */
export async function findTraceIds(query: TraceQuery, db: Db = getDb()): Promise<string[]> {
  const resourceMatches = new Map<string, string[]>();
  await Promise.all(
    attributeTags(query.tags).map(async ([key, value]) => {
      const { text, values } = matchingResourcesSql(key, value);
      const { rows } = await db.pool.query<{ id: string }>(text, values);
      if (rows.length > 0) resourceMatches.set(key, rows.map((row) => row.id));
    }),
  );
  const found = new Set<string>();
  let untilNs = query.endNs;
  let batch = firstWalkBatch(query.limit);
  for (;;) {
    const { text, values } = newestMatchingSpansSql({ ...query, endNs: untilNs }, batch, resourceMatches);
    const { rows } = await db.pool.query<{ trace_id: string; start_ns: string }>(text, values);
    for (const row of rows) {
      found.add(row.trace_id);
      if (found.size === query.limit) return [...found];
    }
    if (rows.length < batch) return [...found];
    // The next batch starts at the last span's start again (spans sharing it are read twice and
    // their traces are already counted) and is bigger: few traces per batch means many spans each.
    untilNs = BigInt(rows[rows.length - 1]!.start_ns);
    batch *= WALK_BATCH_GROWTH;
  }
}

/**
 * Spans read by the first batch of a search's walk. A trace usually matches with a span or two;
 * a filter the index cannot check (an attribute, a duration) is paid for each span the walk passes,
 * so reading a few times the limit up front costs more than a second round trip when it is short.
 */
export function firstWalkBatch(limit: number): number {
  return limit * 2 + 10;
}

const WALK_BATCH_GROWTH = 4;

// ---------------------------------------------------------------------------------------------
// Loading traces

export interface TraceWindow {
  /** Only spans starting at or after this (lets PostgreSQL skip partitions). */
  startNs?: Nanos;
  endNs?: Nanos;
  /** Only these spans (16 hex each): one span's details for the trace explorer. */
  spanIds?: readonly string[];
}

/** The select list of a StoredSpanRow: `head` fields in the order of Head (stored-span-row.ts). */
const SPAN_ROW_SELECT = `concat_ws(' ', encode(s.trace_id, 'hex'), encode(s.span_id, 'hex'),
    coalesce(encode(s.parent_span_id, 'hex'), '-'), s.start_ns, s.duration_ns, s.kind, s.status_code,
    s.resource_id, s.scope_id, s.flags, s.dropped_attributes_count, s.dropped_events_count,
    s.dropped_links_count, s.start_ns / 1000, CASE WHEN s.duration_ns > 0 THEN s.duration_ns / 1000 ELSE 0 END),
  s.name, s.status_message, s.trace_state, s.service_name, s.attributes::text, s.events::text, s.links::text`;

export type SpanRowColumns = [
  head: string,
  name: string,
  statusMessage: string | null,
  traceState: string | null,
  serviceName: string,
  attributes: string,
  events: string | null,
  links: string | null,
];

/**
 * A search's traces are loaded from the partitions of its window widened by this much each way: a
 * trace found by one span may have others that started before the window (or, with clock skew,
 * after it), and a day covers every trace short of a batch job.
 */
export const SEARCH_LOAD_MARGIN_NS = 86_400_000_000_000n;

/** The window the traces a search found are loaded from (see SEARCH_LOAD_MARGIN_NS). */
export function searchLoadWindow(query: Pick<TraceQuery, 'startNs' | 'endNs'>): TraceWindow {
  return { startNs: query.startNs - SEARCH_LOAD_MARGIN_NS, endNs: query.endNs + SEARCH_LOAD_MARGIN_NS };
}

/** Hex ids as a bytea[] parameter's elements (`\x…`, PostgreSQL's hex bytea input). */
function byteaArray(hexIds: readonly string[]): string[] {
  return hexIds.map((id) => `\\x${id}`);
}

/**
 * The WHERE clause selecting the spans of `traceIds` (in `window`). The ids travel as one bytea[]
 * parameter so that `trace_id = ANY(…)` is planned with the values known: PostgreSQL then expects
 * a few rows per id and reads the trace-id index of each partition the window leaves, whatever the
 * table size. (An `IN (SELECT decode(…) FROM unnest(…))` was estimated at a tenth of the table and
 * read every partition in full: issue 18.)
 */
export function traceIdFilter(traceIds: readonly string[], window: TraceWindow, values: unknown[]): string {
  values.push(byteaArray(traceIds));
  let where = `s.trace_id = ANY($${values.length}::bytea[])`;
  if (window.startNs !== undefined) {
    values.push(window.startNs.toString());
    where += ` AND s.start_ns >= $${values.length}::bigint`;
  }
  if (window.endNs !== undefined) {
    values.push(window.endNs.toString());
    where += ` AND s.start_ns <= $${values.length}::bigint`;
  }
  if (window.spanIds !== undefined) {
    values.push(byteaArray(window.spanIds));
    where += ` AND s.span_id = ANY($${values.length}::bytea[])`;
  }
  return where;
}

/**
 * Span rows are read by this many concurrent queries. PostgreSQL spends most of a read turning
 * jsonb into text, one backend per query; splitting the read in two halves that wait for a
 * 10,000-span trace (measured with scripts/bench-trace-api.ts). One trace is split by span id
 * (each query takes the spans whose id ends in its share of byte values); many traces (a search's
 * batch) are split by trace, so each query visits only its own traces' index entries and heap pages
 * instead of both visiting all of them and dropping half the rows.
 */
const SPAN_READ_PARALLELISM = 2;

/**
 * Whole traces as stored rows (see StoredTraces). `traceIds` are 32 lowercase hex characters
 * (normalizeTraceId). Traces with no stored span are absent; the order follows `traceIds`. The
 * resources and scopes the spans reference are read after them, by id, except those in `known`
 * (a search response's earlier batches): a batch that references none new reads no dictionary.
 */
export async function loadTraceRows(
  traceIds: readonly string[],
  window: TraceWindow = {},
  db: Db = getDb(),
  known?: SpanDictionaries,
): Promise<StoredTraces> {
  if (traceIds.length === 0) return { traces: [], resources: new Map(), scopes: new Map() };
  const rowsByTrace = new Map<string, StoredSpanRow[]>();
  let dictionaries: SpanDictionaries;
  if (traceIds.length === 1) {
    const values: unknown[] = [];
    const where = traceIdFilter(traceIds, window, values);
    const results = await Promise.all(
      Array.from({ length: SPAN_READ_PARALLELISM }, (_, share) =>
        // Array mode skips building an object per row (@types/pg only types it for client.query()).
        db.pool.query<SpanRowColumns>({ text: spanShareSql(where, share), values, rowMode: 'array' } satisfies pg.QueryArrayConfig),
      ),
    );
    const shareRows = results.map((result) => result.rows.map(toStoredSpanRow).sort(compareByStart));
    dictionaries = await loadDictionariesOf(shareRows.flat(), db, known);
    const admission = new RowAdmission(dictionaries, false);
    const rows = mergeSorted(shareRows, compareByStart).filter((row) => admission.admit(row));
    if (rows.length > 0) rowsByTrace.set(traceIds[0]!, rows);
  } else {
    const results = await Promise.all(
      traceShares(traceIds).map((share) => {
        const values: unknown[] = [];
        const text = spanRowsSql(traceIdFilter(share, window, values));
        return db.pool.query<SpanRowColumns>({ text, values, rowMode: 'array' } satisfies pg.QueryArrayConfig);
      }),
    );
    // Grouped by trace first, then each trace's few spans sorted, rather than every row of the
    // batch sorted by start and merged.
    const all: StoredSpanRow[] = [];
    for (const result of results) {
      for (const columns of result.rows) {
        const row = toStoredSpanRow(columns);
        all.push(row);
        const traceId = row.head[Head.traceId]!;
        let rows = rowsByTrace.get(traceId);
        if (!rows) rowsByTrace.set(traceId, (rows = []));
        rows.push(row);
      }
    }
    dictionaries = await loadDictionariesOf(all, db, known);
    for (const [traceId, rows] of rowsByTrace) {
      const admission = new RowAdmission(dictionaries, false);
      rowsByTrace.set(traceId, rows.sort(compareByStart).filter((row) => admission.admit(row)));
    }
  }
  const traces = traceIds.flatMap((traceId) => {
    const rows = rowsByTrace.get(traceId);
    return rows ? [{ traceId, rows }] : [];
  });
  return { traces, ...dictionaries };
}

/** Trace ids dealt into SPAN_READ_PARALLELISM shares (alternately, so neighbours in time spread). */
export function traceShares(traceIds: readonly string[]): string[][] {
  const shares = Array.from({ length: Math.min(SPAN_READ_PARALLELISM, traceIds.length) }, (): string[] => []);
  traceIds.forEach((id, i) => shares[i % shares.length]!.push(id));
  return shares;
}

/**
 * The rows of one read share (see SPAN_READ_PARALLELISM), in no particular order: they are sorted
 * in JavaScript. Sorted by PostgreSQL, the rows were sorted with their attribute text in tow, past
 * work_mem on disk for a search's 1,500 traces, about half the read.
 */
function spanShareSql(where: string, share: number): string {
  return `SELECT ${SPAN_ROW_SELECT} FROM spans s
          WHERE ${where} AND get_byte(s.span_id, length(s.span_id) - 1) % ${SPAN_READ_PARALLELISM} = ${share}`;
}

/** The rows of the spans `where` selects, in no particular order. */
export function spanRowsSql(where: string): string {
  return `SELECT ${SPAN_ROW_SELECT} FROM spans s WHERE ${where}`;
}

/**
 * Decides which merged rows are kept: a span delivered twice (an exporter retrying) shows once,
 * the earliest copy; a row whose resource or scope row is missing (a collector that crashed
 * between the two writes) still shows, under a stand-in built from what the span row knows.
 */
export class RowAdmission {
  private readonly seen = new Set<string>();

  constructor(
    private readonly dictionaries: SpanDictionaries,
    private readonly manyTraces: boolean,
  ) {}

  admit(row: StoredSpanRow): boolean {
    const head = row.head;
    const key = this.manyTraces ? `${head[Head.traceId]}${head[Head.spanId]}` : head[Head.spanId]!;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    const resourceId = head[Head.resourceId]!;
    if (!this.dictionaries.resources.has(resourceId)) {
      const attributes: Record<string, AttributeValue> = { 'service.name': row.serviceName };
      this.dictionaries.resources.set(resourceId, { id: resourceId, serviceName: row.serviceName, attributes, droppedAttributesCount: 0, schemaUrl: '' });
    }
    const scopeId = head[Head.scopeId]!;
    if (!this.dictionaries.scopes.has(scopeId)) this.dictionaries.scopes.set(scopeId, { id: scopeId, name: '', version: '', attributes: {} });
    return true;
  }
}

export function toStoredSpanRow(columns: SpanRowColumns): StoredSpanRow {
  return {
    head: columns[0].split(' '),
    name: columns[1],
    statusMessage: columns[2],
    traceState: columns[3],
    serviceName: columns[4],
    attributes: columns[5],
    events: columns[6],
    links: columns[7],
  };
}

/**
 * Whole traces, spans ordered by start time, de-duplicated by span id, each with its resource and
 * scope (objects shared between spans). Same selection and order as loadTraceRows.
 */
export async function loadTraces(traceIds: readonly string[], window: TraceWindow = {}, db: Db = getDb()): Promise<Trace[]> {
  const { traces, resources, scopes } = await loadTraceRows(traceIds, window, db);
  return traces.map(({ traceId, rows }) => ({
    traceId,
    spans: rows.map((row) => toTraceSpan(row, resources.get(row.head[Head.resourceId]!)!, scopes.get(row.head[Head.scopeId]!)!)),
  }));
}

/** One trace, or undefined when no span of it is stored (in the window). */
export async function loadTrace(traceId: string, window: TraceWindow = {}, db: Db = getDb()): Promise<Trace | undefined> {
  const [trace] = await loadTraces([traceId], window, db);
  return trace;
}

function toTraceSpan(row: StoredSpanRow, resource: TraceResource, scope: TraceScope): TraceSpan {
  const head = row.head;
  const startNs = BigInt(head[Head.startNs]!);
  const parentSpanId = head[Head.parentSpanId]!;
  return {
    traceId: head[Head.traceId]!,
    spanId: head[Head.spanId]!,
    parentSpanId: parentSpanId === NO_PARENT ? '' : parentSpanId,
    traceState: row.traceState ?? '',
    flags: Number(head[Head.flags]),
    name: row.name,
    kind: Number(head[Head.kind]) as SpanKind,
    startNs,
    endNs: startNs + BigInt(head[Head.durationNs]!),
    attributes: JSON.parse(row.attributes) as Attributes,
    droppedAttributesCount: Number(head[Head.droppedAttributes]),
    events: row.events === null ? [] : fromStoredEvents(JSON.parse(row.events) as StoredEvent[]),
    droppedEventsCount: Number(head[Head.droppedEvents]),
    links: row.links === null ? [] : fromStoredLinks(JSON.parse(row.links) as StoredLink[]),
    droppedLinksCount: Number(head[Head.droppedLinks]),
    statusCode: Number(head[Head.statusCode]) as StatusCode,
    statusMessage: row.statusMessage ?? '',
    resource,
    scope,
  };
}

/** The resources and scopes the selected spans reference, in one round trip. */
export async function loadDictionaries(spanWhere: string, values: unknown[], db: Db): Promise<SpanDictionaries> {
  return dictionariesFromRows(
    await db.prisma.$queryRawUnsafe<DictionaryRow[]>(
      `WITH ids AS (SELECT DISTINCT s.resource_id, s.scope_id FROM spans s WHERE ${spanWhere})
       ${DICTIONARY_SELECT} (SELECT resource_id FROM ids) ${DICTIONARY_UNION} (SELECT scope_id FROM ids)`,
      ...values,
    ),
  );
}

/**
 * The resources and scopes of span rows already read, by their ids: for many traces this spares
 * reading every span a second time (for 1,500 traces, a second pass over 30,000 rows). Ids found
 * in `known` are taken from it, and when every id is known there is no query at all.
 */
export async function loadDictionariesOf(rows: Iterable<StoredSpanRow>, db: Db, known?: SpanDictionaries): Promise<SpanDictionaries> {
  const dictionaries: SpanDictionaries = { resources: new Map(), scopes: new Map() };
  const resourceIds = new Set<string>();
  const scopeIds = new Set<string>();
  for (const row of rows) {
    const resourceId = row.head[Head.resourceId]!;
    const scopeId = row.head[Head.scopeId]!;
    if (!dictionaries.resources.has(resourceId) && !resourceIds.has(resourceId)) {
      const resource = known?.resources.get(resourceId);
      if (resource) dictionaries.resources.set(resourceId, resource);
      else resourceIds.add(resourceId);
    }
    if (!dictionaries.scopes.has(scopeId) && !scopeIds.has(scopeId)) {
      const scope = known?.scopes.get(scopeId);
      if (scope) dictionaries.scopes.set(scopeId, scope);
      else scopeIds.add(scopeId);
    }
  }
  if (resourceIds.size === 0 && scopeIds.size === 0) return dictionaries;
  const { rows: dictionaryRows } = await db.pool.query<DictionaryRow>(
    `${DICTIONARY_SELECT} (SELECT unnest($1::bigint[])) ${DICTIONARY_UNION} (SELECT unnest($2::bigint[]))`,
    [[...resourceIds], [...scopeIds]],
  );
  const read = dictionariesFromRows(dictionaryRows);
  for (const [id, resource] of read.resources) dictionaries.resources.set(id, resource);
  for (const [id, scope] of read.scopes) dictionaries.scopes.set(id, scope);
  return dictionaries;
}

type DictionaryRow = { kind: 'r' | 's'; id: string; name: string; version: string; attributes: Attributes; dropped: number };

/** Resources whose id is IN the text that follows, then DICTIONARY_UNION and the scopes' ids. */
const DICTIONARY_SELECT = `SELECT 'r' AS kind, r.id::text AS id, r.service_name AS name, r.schema_url AS version, r.attributes,
            r.dropped_attributes_count AS dropped
       FROM resources r WHERE r.id IN`;
const DICTIONARY_UNION = `UNION ALL
     SELECT 's', c.id::text, c.name, c.version, c.attributes, 0
       FROM scopes c WHERE c.id IN`;

function dictionariesFromRows(rows: DictionaryRow[]): SpanDictionaries {
  const dictionaries: SpanDictionaries = { resources: new Map(), scopes: new Map() };
  for (const row of rows) {
    if (row.kind === 'r') {
      dictionaries.resources.set(row.id, {
        id: row.id,
        serviceName: row.name,
        attributes: row.attributes,
        droppedAttributesCount: row.dropped,
        schemaUrl: row.version,
      });
    } else {
      dictionaries.scopes.set(row.id, { id: row.id, name: row.name, version: row.version, attributes: row.attributes });
    }
  }
  return dictionaries;
}

// ---------------------------------------------------------------------------------------------
// Summaries for result lists

/**
 * One summary per stored trace, computed in SQL so a list of big traces never loads their spans.
 * Same rules as summarizeTrace() in lib/domain/trace.ts; the order follows `traceIds`. Spans are
 * read from `window` only (searchLoadWindow() for a search's results).
 */
export async function summarizeTraces(
  traceIds: readonly string[],
  window: TraceWindow = {},
  db: Db = getDb(),
): Promise<TraceSummary[]> {
  if (traceIds.length === 0) return [];
  const values: unknown[] = [];
  const where = traceIdFilter(traceIds, window, values);
  const { rows } = await db.pool.query<{
    trace_id: string;
    span_count: number;
    error_count: number;
    start_ns: string;
    end_ns: string;
    root_name: string;
    root_service: string;
    has_root: boolean;
    services: { name: string; spanCount: number; errorCount: number }[];
  }>(
    `WITH s AS (
       SELECT DISTINCT ON (trace_id, span_id) trace_id, parent_span_id, start_ns, duration_ns, service_name, name, status_code
       FROM spans s WHERE ${where}
       ORDER BY trace_id, span_id, start_ns
     ), per_service AS (
       SELECT trace_id, service_name, count(*)::int AS spans, (count(*) FILTER (WHERE status_code = 2))::int AS errors
       FROM s GROUP BY trace_id, service_name
     ), services AS (
       -- Grouped once and joined: a sub-select per trace re-read the whole CTE for each (1,500 traces: 31 s).
       SELECT trace_id, json_agg(json_build_object('name', service_name, 'spanCount', spans, 'errorCount', errors)) AS services
       FROM per_service GROUP BY trace_id
     ), per_trace AS (
       SELECT trace_id, count(*)::int AS span_count, (count(*) FILTER (WHERE status_code = 2))::int AS error_count,
         min(start_ns) AS start_ns, max(start_ns + duration_ns) AS end_ns,
         (array_agg(name ORDER BY parent_span_id IS NOT NULL, start_ns))[1] AS root_name,
         (array_agg(service_name ORDER BY parent_span_id IS NOT NULL, start_ns))[1] AS root_service,
         bool_or(parent_span_id IS NULL) AS has_root
       FROM s GROUP BY trace_id
     )
     SELECT encode(t.trace_id, 'hex') AS trace_id, t.span_count, t.error_count, t.start_ns::text AS start_ns,
       t.end_ns::text AS end_ns, t.root_name, t.root_service, t.has_root,
       v.services
     FROM per_trace t JOIN services v ON v.trace_id = t.trace_id`,
    values,
  );
  const byId = new Map(
    rows.map((row): [string, TraceSummary] => {
      const startNs = BigInt(row.start_ns);
      const endNs = BigInt(row.end_ns);
      return [
        row.trace_id,
        {
          traceId: row.trace_id,
          rootName: row.root_name,
          rootService: row.root_service,
          hasRoot: row.has_root,
          spanCount: row.span_count,
          errorCount: row.error_count,
          services: sortServices(row.services ?? []),
          startNs,
          endNs,
          durationNs: endNs - startNs,
        },
      ];
    }),
  );
  return traceIds.flatMap((id) => byId.get(id) ?? []);
}

/** A trivial round trip, for /api/health. */
export async function pingDatabase(db: Db = getDb()): Promise<void> {
  await db.prisma.$queryRawUnsafe('SELECT 1');
}
