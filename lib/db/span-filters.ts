// Turns a TraceQuery into the WHERE clause of a `spans` search: pure SQL text plus positional
// parameters (never values spliced into the text), so it is unit-tested without a database.
//
// Tag semantics follow Jaeger: every key=value pair must match the same span, in its attributes or
// its resource's (Jaeger's span tags or process tags). Values arrive as strings, so `500` must also
// match the JSON number 500 and `true` the boolean; each pair becomes an OR of jsonb containments
// (`attributes @> '{"k":500}'`), which the GIN jsonb_path_ops index on spans.attributes serves.
// Tags Jaeger synthesises from span fields (error, span.kind, otel.status_code, …) map to columns.
import { StatusCode, spanKindFromName } from '../domain/model';
import type { TraceQuery } from '../domain/trace-query';

export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, with an explicit cast so types never guess. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The jsonb objects an attribute `key` with the query string `value` may be stored as: always the
 * string, plus the number when the text is a JSON number (compared as numeric, so 500 = 500.0 and
 * int64s beyond 2^53 match exactly), plus the boolean for true/false.
 */
export function attributeCandidates(key: string, value: string): string[] {
  const jsonKey = JSON.stringify(key);
  const candidates = [`{${jsonKey}:${JSON.stringify(value)}}`];
  if (JSON_NUMBER.test(value)) candidates.push(`{${jsonKey}:${value}}`);
  if (value === 'true' || value === 'false') candidates.push(`{${jsonKey}:${value}}`);
  return candidates;
}

const STATUS_BY_NAME: Record<string, StatusCode> = { UNSET: StatusCode.UNSET, OK: StatusCode.OK, ERROR: StatusCode.ERROR };

/** Tags Jaeger derives from span fields rather than attributes; each maps to a column. */
export const COLUMN_TAGS = new Set([
  'error',
  'span.kind',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
  'w3c.tracestate',
]);

/** Ids of resources whose attributes match a tag; resolved before the span query (see below). */
export type ResourceMatches = ReadonlyMap<string, readonly string[]>;

function attributeCondition(key: string, value: string, params: SqlParams, resourceIds: readonly string[] = []): string {
  const parts = attributeCandidates(key, value).map((candidate) => `s.attributes @> ${params.add(candidate, 'jsonb')}`);
  if (resourceIds.length > 0) parts.push(`s.resource_id = ANY(${params.add(resourceIds, 'bigint[]')})`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

export function tagCondition(key: string, value: string, params: SqlParams, resourceIds?: readonly string[]): string {
  switch (key) {
    case 'error':
      if (value === 'true') return `(s.status_code = ${StatusCode.ERROR} OR ${attributeCondition(key, value, params, resourceIds)})`;
      if (value === 'false') return `s.status_code <> ${StatusCode.ERROR}`;
      break;
    case 'span.kind': {
      const kind = spanKindFromName(value);
      return kind === undefined ? 'FALSE' : `s.kind = ${kind}`;
    }
    case 'otel.status_code': {
      const code = STATUS_BY_NAME[value.toUpperCase()];
      return code === undefined ? 'FALSE' : `s.status_code = ${code}`;
    }
    case 'otel.status_description':
      return `s.status_message = ${params.add(value, 'text')}`;
    case 'otel.scope.name':
      return `s.scope_id IN (SELECT id FROM scopes WHERE name = ${params.add(value, 'text')})`;
    case 'otel.scope.version':
      return `s.scope_id IN (SELECT id FROM scopes WHERE version = ${params.add(value, 'text')})`;
    case 'w3c.tracestate':
      return `s.trace_state = ${params.add(value, 'text')}`;
  }
  return attributeCondition(key, value, params, resourceIds);
}

/** The tags whose matching resources must be looked up first (the ones matched on attributes). */
export function attributeTags(tags: Record<string, string>): [string, string][] {
  return Object.entries(tags).filter(([key, value]) => {
    if (!COLUMN_TAGS.has(key)) return true;
    return key === 'error' && value !== 'false';
  });
}

/**
 * Resource ids are resolved in a first, cheap query on the small `resources` table rather than
 * with a sub-select here: `s.attributes @> … OR s.resource_id IN (SELECT …)` could not use the
 * GIN index, while an OR of containments (plus an id list only when a resource matched) can.
 */
export function spanWhere(query: TraceQuery, params: SqlParams, resourceMatches: ResourceMatches = new Map()): string {
  const conditions = [
    `s.start_ns >= ${params.add(query.startNs, 'bigint')}`,
    `s.start_ns <= ${params.add(query.endNs, 'bigint')}`,
  ];
  if (query.service) conditions.push(`s.service_name = ${params.add(query.service, 'text')}`);
  if (query.operation) conditions.push(`s.name = ${params.add(query.operation, 'text')}`);
  if (query.minDurationNs !== undefined && query.minDurationNs > 0n) {
    conditions.push(`s.duration_ns >= ${params.add(query.minDurationNs, 'bigint')}`);
  }
  if (query.maxDurationNs !== undefined && query.maxDurationNs > 0n) {
    conditions.push(`s.duration_ns <= ${params.add(query.maxDurationNs, 'bigint')}`);
  }
  for (const [key, value] of Object.entries(query.tags)) {
    conditions.push(tagCondition(key, value, params, resourceMatches.get(key)));
  }
  return conditions.join('\n  AND ');
}

/**
 * One batch of a search's newest-first walk (trace-queries.ts findTraceIds): up to `batch`
 * matching spans starting at or before `query.endNs`, newest first, as (trace id, start).
 *
 * With a service, PostgreSQL reads the (service_name[, name], start_ns) index backwards, one
 * partition after the other, and stops at the LIMIT; a rare attribute value instead comes from
 * the attributes' GIN index (its estimate is small, so the planner picks it). Without a service
 * there is no index in start order, so each service's own walk is merged: one short backward
 * index read per service known to `operations`, instead of sorting every span of the window.
 */
export function newestMatchingSpansSql(
  query: TraceQuery,
  batch: number,
  resourceMatches?: ResourceMatches,
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const where = spanWhere(query, params, resourceMatches);
  const limit = params.add(batch, 'int');
  if (query.service) {
    const text = `SELECT encode(s.trace_id, 'hex') AS trace_id, s.start_ns::text AS start_ns
FROM spans s
WHERE ${where}
ORDER BY s.start_ns DESC
LIMIT ${limit}`;
    return { text, values: params.values };
  }
  const text = `SELECT encode(m.trace_id, 'hex') AS trace_id, m.start_ns::text AS start_ns
FROM (SELECT DISTINCT service_name FROM operations) o
CROSS JOIN LATERAL (
  SELECT s.trace_id, s.start_ns
  FROM spans s
  WHERE s.service_name = o.service_name
  AND ${where}
  ORDER BY s.start_ns DESC
  LIMIT ${limit}
) m
ORDER BY m.start_ns DESC
LIMIT ${limit}`;
  return { text, values: params.values };
}

/** Resources matching one attribute tag (any of its candidate JSON forms). */
export function matchingResourcesSql(key: string, value: string): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const parts = attributeCandidates(key, value).map((candidate) => `attributes @> ${params.add(candidate, 'jsonb')}`);
  return { text: `SELECT id::text AS id FROM resources WHERE ${parts.join(' OR ')}`, values: params.values };
}
