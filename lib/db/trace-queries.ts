// The UI server's reads: services and operations (from the small `operations` table), trace
// search (span filters in span-filters.ts) and loading whole traces decoded to the domain model.
// Raw SQL through the one Prisma client, always with bound parameters; ids travel as hex text
// (encode() in SQL) and nanoseconds as decimal text, so nothing is lost to doubles. The bulk span
// read of loadTraces() uses the pool under Prisma in array mode (see lib/db/prisma.ts for why).
import type { AttributeValue, Attributes, Nanos, SpanKind, StatusCode } from '../domain/model';
import { fromStoredEvents, fromStoredLinks, type StoredEvent, type StoredLink } from '../domain/stored-span-json';
import { dedupeSpans, sortServices, type Trace, type TraceResource, type TraceScope, type TraceSpan, type TraceSummary } from '../domain/trace';
import type { TraceQuery } from '../domain/trace-query';
import { getDb, type Db } from './prisma';
import { attributeTags, findTraceIdsSql, matchingResourcesSql } from './span-filters';


// ---------------------------------------------------------------------------------------------
// Services and operations

export async function listServices(db: Db = getDb()): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ service_name: string }[]>(
    'SELECT DISTINCT service_name FROM operations ORDER BY service_name',
  );
  return rows.map((row) => row.service_name);
}

export interface OperationInfo {
  name: string;
  spanKind: SpanKind;
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

export interface ServiceOverview {
  name: string;
  operationCount: number;
  /** Start of the newest span seen for the service. */
  lastSeenNs: Nanos;
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

/** Ids (32 hex) of traces with a span matching the query, the most recently active first. */
export async function findTraceIds(query: TraceQuery, db: Db = getDb()): Promise<string[]> {
  const resourceMatches = new Map<string, string[]>();
  await Promise.all(
    attributeTags(query.tags).map(async ([key, value]) => {
      const { text, values } = matchingResourcesSql(key, value);
      const rows = await db.prisma.$queryRawUnsafe<{ id: string }[]>(text, ...values);
      if (rows.length > 0) resourceMatches.set(key, rows.map((row) => row.id));
    }),
  );
  const { text, values } = findTraceIdsSql(query, resourceMatches);
  const rows = await db.prisma.$queryRawUnsafe<{ trace_id: string }[]>(text, ...values);
  return rows.map((row) => row.trace_id);
}

// ---------------------------------------------------------------------------------------------
// Loading traces

export interface TraceWindow {
  /** Only spans starting at or after this (lets PostgreSQL skip partitions). */
  startNs?: Nanos;
  endNs?: Nanos;
}

/**
 * One span row in array mode, columns in SPAN_COLUMNS order. Scalars are packed by SQL into one
 * space-separated text (hex ids, decimal integers) and JSON columns arrive as text, so the driver
 * does no per-column conversion and nothing depends on the pool's type parsers.
 */
type SpanRow = [
  head: string,
  name: string,
  statusMessage: string | null,
  traceState: string | null,
  serviceName: string,
  attributes: string,
  events: string | null,
  links: string | null,
];

const SPAN_COLUMNS = `concat_ws(' ', encode(s.trace_id, 'hex'), encode(s.span_id, 'hex'),
    coalesce(encode(s.parent_span_id, 'hex'), '-'), s.start_ns, s.duration_ns, s.kind, s.status_code,
    s.resource_id, s.scope_id, s.flags, s.dropped_attributes_count, s.dropped_events_count,
    s.dropped_links_count),
  s.name, s.status_message, s.trace_state, s.service_name, s.attributes::text, s.events::text, s.links::text`;

function traceIdFilter(traceIds: readonly string[], window: TraceWindow, values: unknown[]): string {
  values.push(traceIds);
  let where = `s.trace_id IN (SELECT decode(t, 'hex') FROM unnest($1::text[]) AS t)`;
  if (window.startNs !== undefined) {
    values.push(window.startNs.toString());
    where += ` AND s.start_ns >= $${values.length}::bigint`;
  }
  if (window.endNs !== undefined) {
    values.push(window.endNs.toString());
    where += ` AND s.start_ns <= $${values.length}::bigint`;
  }
  return where;
}

/**
 * Whole traces, spans ordered by start time, de-duplicated by span id, each with its resource and
 * scope. Traces with no stored span are absent from the result; the order follows `traceIds`.
 */
export async function loadTraces(
  traceIds: readonly string[],
  window: TraceWindow = {},
  db: Db = getDb(),
): Promise<Trace[]> {
  if (traceIds.length === 0) return [];
  const values: unknown[] = [];
  const where = traceIdFilter(traceIds, window, values);
  const result = await db.pool.query<SpanRow>({
    text: `SELECT ${SPAN_COLUMNS} FROM spans s WHERE ${where} ORDER BY s.start_ns, s.span_id`,
    values,
    rowMode: 'array',
  });
  const rows = result.rows;
  if (rows.length === 0) return [];

  const resourceIds = new Set<string>();
  const scopeIds = new Set<string>();
  const heads: string[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const head = rows[i]![0].split(' ');
    heads[i] = head;
    resourceIds.add(head[7]!);
    scopeIds.add(head[8]!);
  }
  const [resources, scopes] = await Promise.all([
    loadResources([...resourceIds], db),
    loadScopes([...scopeIds], db),
  ]);

  const byTrace = new Map<string, TraceSpan[]>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const head = heads[i]!;
    const traceId = head[0]!;
    let spans = byTrace.get(traceId);
    if (!spans) byTrace.set(traceId, (spans = []));
    spans.push(toTraceSpan(row, head, resourceFor(head[7]!, row[4], resources), scopeFor(head[8]!, scopes)));
  }
  const traces: Trace[] = [];
  for (const traceId of traceIds) {
    const spans = byTrace.get(traceId);
    if (spans) traces.push({ traceId, spans: dedupeSpans(spans) });
  }
  return traces;
}

/** One trace, or undefined when no span of it is stored (in the window). */
export async function loadTrace(traceId: string, window: TraceWindow = {}, db: Db = getDb()): Promise<Trace | undefined> {
  const [trace] = await loadTraces([traceId], window, db);
  return trace;
}

function toTraceSpan(row: SpanRow, head: string[], resource: TraceResource, scope: TraceScope): TraceSpan {
  const [traceId, spanId, parentSpanId, start, duration, kind, status, , , flags, droppedAttributes, droppedEvents, droppedLinks] =
    head as [string, string, string, string, string, string, string, string, string, string, string, string, string];
  const startNs = BigInt(start);
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId === '-' ? '' : parentSpanId,
    traceState: row[3] ?? '',
    flags: Number(flags),
    name: row[1],
    kind: Number(kind) as SpanKind,
    startNs,
    endNs: startNs + BigInt(duration),
    attributes: JSON.parse(row[5]) as Attributes,
    droppedAttributesCount: Number(droppedAttributes),
    events: row[6] === null ? [] : fromStoredEvents(JSON.parse(row[6]) as StoredEvent[]),
    droppedEventsCount: Number(droppedEvents),
    links: row[7] === null ? [] : fromStoredLinks(JSON.parse(row[7]) as StoredLink[]),
    droppedLinksCount: Number(droppedLinks),
    statusCode: Number(status) as StatusCode,
    statusMessage: row[2] ?? '',
    resource,
    scope,
  };
}

async function loadResources(ids: string[], db: Db): Promise<Map<string, TraceResource>> {
  const rows = await db.prisma.$queryRawUnsafe<
    { id: string; service_name: string; attributes: Attributes; dropped_attributes_count: number; schema_url: string }[]
  >(
    `SELECT id::text AS id, service_name, attributes, dropped_attributes_count, schema_url
     FROM resources WHERE id = ANY($1::bigint[])`,
    ids,
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        serviceName: row.service_name,
        attributes: row.attributes,
        droppedAttributesCount: row.dropped_attributes_count,
        schemaUrl: row.schema_url,
      },
    ]),
  );
}

async function loadScopes(ids: string[], db: Db): Promise<Map<string, TraceScope>> {
  const rows = await db.prisma.$queryRawUnsafe<{ id: string; name: string; version: string; attributes: Attributes }[]>(
    'SELECT id::text AS id, name, version, attributes FROM scopes WHERE id = ANY($1::bigint[])',
    ids,
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name, version: row.version, attributes: row.attributes }]));
}

/**
 * A span whose resource row is missing (written by a collector that crashed between the two
 * writes) still shows, under a stand-in resource built from the span's service name.
 */
function resourceFor(id: string, serviceName: string, resources: Map<string, TraceResource>): TraceResource {
  let resource = resources.get(id);
  if (!resource) {
    const attributes: Record<string, AttributeValue> = { 'service.name': serviceName };
    resource = { id, serviceName, attributes, droppedAttributesCount: 0, schemaUrl: '' };
    resources.set(id, resource);
  }
  return resource;
}

function scopeFor(id: string, scopes: Map<string, TraceScope>): TraceScope {
  let scope = scopes.get(id);
  if (!scope) {
    scope = { id, name: '', version: '', attributes: {} };
    scopes.set(id, scope);
  }
  return scope;
}

// ---------------------------------------------------------------------------------------------
// Summaries for result lists

/**
 * One summary per stored trace, computed in SQL so a list of big traces never loads their spans.
 * Same rules as summarizeTrace() in lib/domain/trace.ts; the order follows `traceIds`.
 */
export async function summarizeTraces(
  traceIds: readonly string[],
  db: Db = getDb(),
): Promise<TraceSummary[]> {
  if (traceIds.length === 0) return [];
  const rows = await db.prisma.$queryRawUnsafe<
    {
      trace_id: string;
      span_count: number;
      error_count: number;
      start_ns: string;
      end_ns: string;
      root_name: string;
      root_service: string;
      has_root: boolean;
      services: { name: string; spanCount: number; errorCount: number }[];
    }[]
  >(
    `WITH s AS (
       SELECT DISTINCT ON (trace_id, span_id) trace_id, parent_span_id, start_ns, duration_ns, service_name, name, status_code
       FROM spans WHERE trace_id IN (SELECT decode(t, 'hex') FROM unnest($1::text[]) AS t)
       ORDER BY trace_id, span_id, start_ns
     ), per_service AS (
       SELECT trace_id, service_name, count(*)::int AS spans, (count(*) FILTER (WHERE status_code = 2))::int AS errors
       FROM s GROUP BY trace_id, service_name
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
       (SELECT json_agg(json_build_object('name', p.service_name, 'spanCount', p.spans, 'errorCount', p.errors))
        FROM per_service p WHERE p.trace_id = t.trace_id) AS services
     FROM per_trace t`,
    traceIds,
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
