// The trace explorer's reads: a trace as compact columns (no attributes, no JSON decoding per span:
// what a waterfall of 100,000 spans needs and nothing more), served in parts that split the spans
// by the last byte of their id so the browser can fetch them concurrently; one span's details on
// demand; spans of other traces that link to a span; attribute text search inside a trace; and
// the attribute keys and values seen recently, for the search form's autocomplete.
import pg from 'pg';
import type { LinkingSpan } from '../contracts/trace-explorer-api';
import type { CompactTracePart } from '../domain/trace-model';
import type { TraceSpan } from '../domain/trace';
import { getDb, type Db } from './prisma';
import { loadTrace, traceIdFilter } from './trace-queries';

/**
 * span id, parent id or '-', start (Unix ns), duration, kind, status, link count; then columns.
 * Events are their times after the span's start, comma-separated.
 */
type CompactRow = [head: string, service: string, name: string, events: string | null];

/**
 * The compact columns of a trace's spans, `share` narrowing them to one part. Starts come as Unix
 * ns and become offsets in compactPartFromRows: a window over the trace (min(start_ns) OVER ())
 * made PostgreSQL hold every row and spill them to disk before sending the first.
 */
function compactRows(traceId: string, share: { part: number; parts: number } | undefined, db: Db): Promise<pg.QueryArrayResult<CompactRow>> {
  const values: unknown[] = [];
  const where = traceIdFilter([traceId], {}, values);
  const filter = share && share.parts > 1 ? ` AND get_byte(s.span_id, length(s.span_id) - 1) % ${share.parts} = ${share.part}` : '';
  return db.pool.query<CompactRow>({
    text: `SELECT concat_ws(' ', encode(s.span_id, 'hex'), coalesce(encode(s.parent_span_id, 'hex'), '-'),
             s.start_ns, s.duration_ns, s.kind, s.status_code, coalesce(jsonb_array_length(s.links), 0)),
           s.service_name, s.name,
           CASE WHEN s.events IS NOT NULL THEN
             (SELECT string_agg(((e->>'time_ns')::bigint - s.start_ns)::text, ',') FROM jsonb_array_elements(s.events) e) END
         FROM spans s WHERE ${where}${filter}`,
    values,
    rowMode: 'array',
  } satisfies pg.QueryArrayConfig);
}

/** One part of a trace (its spans whose id's last byte is `part` modulo `parts`), or undefined when the trace is not stored. */
export async function loadCompactTracePart(
  traceId: string,
  part = 0,
  parts = 1,
  db: Db = getDb(),
): Promise<CompactTracePart | undefined> {
  const { rows } = await compactRows(traceId, { part, parts }, db);
  if (rows.length === 0 && parts > 1) {
    const values: unknown[] = [];
    const where = traceIdFilter([traceId], {}, values);
    const exists = await db.pool.query(`SELECT 1 FROM spans s WHERE ${where} LIMIT 1`, values);
    if (exists.rowCount === 0) return undefined;
  } else if (rows.length === 0) return undefined;
  return compactPartFromRows(traceId, rows);
}

/**
 * Every part of a trace from one read (each equal to what loadCompactTracePart reads for it), or
 * undefined when the trace is not stored. For the trace page, which needs them all: one pass over
 * the trace's rows instead of one per part, each of which visited every row to keep its share.
 */
export async function loadCompactTraceParts(traceId: string, parts: number, db: Db = getDb()): Promise<CompactTracePart[] | undefined> {
  const { rows } = await compactRows(traceId, undefined, db);
  if (rows.length === 0) return undefined;
  const shares: CompactRow[][] = Array.from({ length: parts }, () => []);
  for (const row of rows) shares[parts > 1 ? spanIdShare(row[0], parts) : 0]!.push(row);
  return shares.map((share) => compactPartFromRows(traceId, share));
}

/** The last byte of the row's span id (the head's first field, hex) modulo `parts`: the SQL share's rule. */
function spanIdShare(head: string, parts: number): number {
  const end = head.indexOf(' ');
  return parseInt(head.slice(end - 2, end), 16) % parts;
}

/**
 * The whole trace as one part when it has at most `maxSpans` spans, for the trace page to render
 * its waterfall on the server (the first paint then needs no script); undefined when the trace is
 * larger (or not stored): the page's client island loads those in parts. The size probe reads at
 * most `maxSpans + 1` entries of the trace-id index.
 */
export async function loadSmallCompactTrace(traceId: string, maxSpans: number, db: Db = getDb()): Promise<CompactTracePart | undefined> {
  const values: unknown[] = [];
  const where = traceIdFilter([traceId], {}, values);
  const larger = await db.pool.query(`SELECT 1 FROM spans s WHERE ${where} OFFSET ${Math.max(0, Math.floor(maxSpans))} LIMIT 1`, values);
  if (larger.rowCount) return undefined;
  return loadCompactTracePart(traceId, 0, 1, db);
}

const NS_PER_SECOND = 1_000_000_000;

/**
 * A Unix ns time (decimal) as whole seconds and ns, each exact in a double, without a BigInt per
 * span: differences of two such times are exact while under 2^53 ns (104 days).
 */
function secondsAndNs(ns: string): [number, number] {
  if (ns.length <= 15) return [0, Number(ns)];
  if (ns.startsWith('-')) {
    const value = BigInt(ns);
    const seconds = value / 1_000_000_000n;
    return [Number(seconds), Number(value - seconds * 1_000_000_000n)];
  }
  return [Number(ns.slice(0, -9)), Number(ns.slice(-9))];
}

/** Rows → columns, starts as offsets from the part's earliest span; exported for its unit test. */
export function compactPartFromRows(traceId: string, rows: readonly CompactRow[]): CompactTracePart {
  const n = rows.length;
  const part: CompactTracePart = {
    traceId,
    baseNs: '0',
    services: [],
    names: [],
    spanIds: new Array(n),
    parentIds: new Array(n),
    start: new Array(n),
    duration: new Array(n),
    service: new Array(n),
    name: new Array(n),
    kind: new Array(n),
    status: new Array(n),
    eventSpan: [],
    eventTime: [],
    linkSpan: [],
  };
  const services = new Map<string, number>();
  const names = new Map<string, number>();
  let reference = '';
  let referenceSeconds = 0;
  let referenceNs = 0;
  let earliest = 0;
  for (let i = 0; i < n; i++) {
    const [head, service, name, events] = rows[i]!;
    const [spanId, parentId, start, duration, kind, status, links] = head.split(' ') as [string, string, string, string, string, string, string];
    part.spanIds[i] = spanId;
    part.parentIds[i] = parentId === '-' ? '' : parentId;
    const [seconds, ns] = secondsAndNs(start);
    // Offsets from the first row's start for now, from the earliest span's below.
    if (i === 0) {
      reference = start;
      referenceSeconds = seconds;
      referenceNs = ns;
    }
    const offset = (seconds - referenceSeconds) * NS_PER_SECOND + (ns - referenceNs);
    if (offset < earliest) earliest = offset;
    part.start[i] = offset;
    part.duration[i] = Number(duration);
    part.kind[i] = Number(kind);
    part.status[i] = Number(status);
    let s = services.get(service);
    if (s === undefined) services.set(service, (s = part.services.push(service) - 1));
    part.service[i] = s;
    let m = names.get(name);
    if (m === undefined) names.set(name, (m = part.names.push(name) - 1));
    part.name[i] = m;
    if (links !== '0') part.linkSpan.push(i);
    if (events) {
      for (const t of events.split(',')) {
        part.eventSpan.push(i);
        part.eventTime.push(offset + Number(t));
      }
    }
  }
  if (n > 0) {
    part.baseNs = (BigInt(reference) + BigInt(earliest)).toString();
    if (earliest !== 0) {
      for (let i = 0; i < n; i++) part.start[i] = part.start[i]! - earliest;
      for (let e = 0; e < part.eventTime.length; e++) part.eventTime[e] = part.eventTime[e]! - earliest;
    }
  }
  return part;
}

/** One span with its resource and scope, or undefined. */
export async function loadSpan(traceId: string, spanId: string, db: Db = getDb()): Promise<TraceSpan | undefined> {
  const trace = await loadTrace(traceId, { spanIds: [spanId] }, db);
  return trace?.spans[0];
}

/**
 * Spans of other traces whose links point at this span (the consumers of a message this span
 * produced, the batch that picked it up), searched within `windowNs` around it; bounded.
 */
export async function findLinkingSpans(
  traceId: string,
  spanId: string,
  aroundNs: bigint,
  windowNs = 3_600_000_000_000n,
  db: Db = getDb(),
): Promise<LinkingSpan[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ trace_id: string; span_id: string; service_name: string; name: string }[]>(
    `SELECT encode(s.trace_id, 'hex') AS trace_id, encode(s.span_id, 'hex') AS span_id, s.service_name, s.name
     FROM spans s
     WHERE s.links @> $1::jsonb AND s.start_ns BETWEEN $2::bigint AND $3::bigint
     LIMIT 20`,
    JSON.stringify([{ trace_id: traceId, span_id: spanId }]),
    (aroundNs - windowNs).toString(),
    (aroundNs + windowNs).toString(),
  );
  return rows.map((row) => ({ traceId: row.trace_id, spanId: row.span_id, service: row.service_name, name: row.name }));
}

/** Span ids of the trace whose attributes, events or status message contain `text`. */
export async function searchTraceSpans(traceId: string, text: string, db: Db = getDb()): Promise<string[]> {
  const values: unknown[] = [];
  const where = traceIdFilter([traceId], {}, values);
  values.push(`%${text.replace(/[\\%_]/g, '\\$&')}%`);
  const like = `$${values.length}::text`;
  const rows = await db.prisma.$queryRawUnsafe<{ span_id: string }[]>(
    `SELECT DISTINCT encode(s.span_id, 'hex') AS span_id FROM spans s
     WHERE ${where} AND (s.attributes::text ILIKE ${like} OR s.status_message ILIKE ${like} OR s.events::text ILIKE ${like})
     LIMIT 10000`,
    ...values,
  );
  return rows.map((row) => row.span_id);
}

export interface AttributeSampleQuery {
  service?: string;
  /** Sample spans starting at or after this, Unix ns. */
  sinceNs: bigint;
  /** Spans read at most. */
  sample: number;
}

/** Attribute keys seen on recent spans (and their resources), most frequent first. */
export async function sampleAttributeKeys(query: AttributeSampleQuery, db: Db = getDb()): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ key: string }[]>(
    `WITH sample AS (
       SELECT s.attributes, s.resource_id FROM spans s
       WHERE s.start_ns >= $1::bigint AND ($2::text IS NULL OR s.service_name = $2::text) LIMIT $3::int
     ), keys AS (
       SELECT jsonb_object_keys(attributes) AS key FROM sample
       UNION ALL
       SELECT jsonb_object_keys(r.attributes) FROM resources r WHERE r.id IN (SELECT DISTINCT resource_id FROM sample)
     )
     SELECT key FROM keys GROUP BY key ORDER BY count(*) DESC, key LIMIT 500`,
    query.sinceNs.toString(),
    query.service ?? null,
    query.sample,
  );
  return rows.map((row) => row.key);
}

/** Values of one attribute key on recent spans, most frequent first. */
export async function sampleAttributeValues(query: AttributeSampleQuery & { key: string }, db: Db = getDb()): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ value: string }[]>(
    `WITH sample AS (
       SELECT s.attributes, s.resource_id FROM spans s
       WHERE s.start_ns >= $1::bigint AND ($2::text IS NULL OR s.service_name = $2::text)
         AND (jsonb_exists(s.attributes, $4::text) OR s.resource_id IN (SELECT id FROM resources WHERE jsonb_exists(attributes, $4::text)))
       LIMIT $3::int
     ), vals AS (
       SELECT coalesce(s.attributes ->> $4::text, r.attributes ->> $4::text) AS value
       FROM sample s LEFT JOIN resources r ON r.id = s.resource_id
     )
     SELECT value FROM vals WHERE value IS NOT NULL GROUP BY value ORDER BY count(*) DESC, value LIMIT 100`,
    query.sinceNs.toString(),
    query.service ?? null,
    query.sample,
    query.key,
  );
  return rows.map((row) => row.value);
}
