// The logs API, shared by the route handlers, the UI's hooks and tests:
//
//   GET /api/logs?service=&severity=&q=&traceId=&correlationId=&attr=key:value&start=&end=&limit=&cursor=
//       → LogsPage, newest first. `severity` is a comma list of range names (error,fatal);
//       `attr` may repeat; `start`/`end` are Unix milliseconds or RFC 3339; `cursor` is the
//       previous page's nextCursor. `traceId` also finds logs that only carry a correlation id
//       learned for that trace. A page may hold fewer than `limit` records, even none, and still
//       have a nextCursor: a free-text search the index cannot answer reads a bounded number of
//       rows per page and ends where it stopped; only a null nextCursor means no more.
//   GET /api/correlation/{id} → CorrelationView: the traces and logs of one correlation id.
import { z } from 'zod';
import type { Attributes } from '../domain/model';
import { SEVERITY_NAMES, type SeverityName } from '../domain/logs/severity';
import { badRequest } from './api-error';

export interface LogEntry {
  /** Unix ns as a decimal string (exceeds a double). */
  timeUnixNano: string;
  /** RFC 3339 with millisecond precision. */
  time: string;
  service: string;
  /** Range name: trace, debug, info, warn, error, fatal, or unspecified. */
  severity: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  correlationId: string;
  attributes: Attributes;
  resource: Attributes;
}

export interface LogsPage {
  data: LogEntry[];
  nextCursor: string | null;
}

export interface VolumeBucket {
  /** Bucket start, Unix ms. */
  t: number;
  /** Records per severity range name. */
  counts: Record<string, number>;
}

export interface CorrelatedTrace {
  traceId: string;
  rootService: string;
  rootName: string;
  startNs: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface CorrelationView {
  correlationId: string;
  traces: CorrelatedTrace[];
  /** Oldest first (a timeline). */
  logs: LogEntry[];
  /** True when more logs exist than were returned. */
  truncated: boolean;
}

export const MAX_LOG_LIMIT = 1000;
export const DEFAULT_LOG_LIMIT = 100;

export interface LogQuery {
  service?: string;
  severities: SeverityName[];
  q?: string;
  traceId?: string;
  correlationId?: string;
  attributes: Array<{ key: string; value: string }>;
  startNs?: bigint;
  endNs?: bigint;
  limit: number;
  cursor?: { timeNs: bigint; id: bigint };
}

const text = (max: number) => z.string().trim().min(1).max(max);

const querySchema = z.object({
  service: text(256).optional(),
  severity: z.string().optional(),
  q: text(1000).optional(),
  traceId: z.string().trim().regex(/^[0-9a-fA-F]{1,32}$/, 'traceId must be 1 to 32 hex digits').optional(),
  correlationId: text(256).optional(),
  attr: z.array(z.string().regex(/^[^:]+:.*$/s, 'attr must be key:value')).max(10),
  start: z.string().optional(),
  end: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LIMIT).default(DEFAULT_LOG_LIMIT),
  cursor: z.string().regex(/^\d{1,20}\.\d{1,20}$/, 'cursor is not one this API returned').optional(),
});

/** Unix ms or RFC 3339 → ns; a 400 naming the parameter otherwise. */
export function parseTimeParam(name: string, value: string): bigint {
  const trimmed = value.trim();
  if (/^\d{1,15}$/.test(trimmed)) return BigInt(trimmed) * 1_000_000n;
  const ms = Date.parse(trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && Number.isFinite(ms)) return BigInt(ms) * 1_000_000n;
  throw badRequest(`${name} must be Unix milliseconds or an RFC 3339 time, got ${JSON.stringify(trimmed.slice(0, 40))}`);
}

export function parseLogQuery(params: URLSearchParams): LogQuery {
  const raw: Record<string, unknown> = { attr: params.getAll('attr') };
  for (const key of ['service', 'severity', 'q', 'traceId', 'correlationId', 'start', 'end', 'limit', 'cursor']) {
    const value = params.get(key);
    if (value !== null && value !== '') raw[key] = value;
  }
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  const p = parsed.data;
  const severities: SeverityName[] = [];
  for (const name of (p.severity ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!(SEVERITY_NAMES as readonly string[]).includes(name)) {
      throw badRequest(`severity: unknown level ${JSON.stringify(name)}; use ${SEVERITY_NAMES.join(', ')}`);
    }
    if (!severities.includes(name as SeverityName)) severities.push(name as SeverityName);
  }
  const startNs = p.start === undefined ? undefined : parseTimeParam('start', p.start);
  const endNs = p.end === undefined ? undefined : parseTimeParam('end', p.end);
  if (startNs !== undefined && endNs !== undefined && startNs > endNs) throw badRequest('start must not be after end');
  return {
    service: p.service,
    severities,
    q: p.q,
    traceId: p.traceId?.toLowerCase().padStart(32, '0'),
    correlationId: p.correlationId,
    attributes: p.attr.map((pair) => {
      const at = pair.indexOf(':');
      return { key: pair.slice(0, at), value: pair.slice(at + 1) };
    }),
    startNs,
    endNs,
    limit: p.limit,
    cursor: p.cursor ? decodeLogCursor(p.cursor) : undefined,
  };
}

export function encodeLogCursor(timeNs: string, id: string): string {
  return `${timeNs}.${id}`;
}

/** A cursor encodeLogCursor() made (the query schema checked its shape): the last row read. */
export function decodeLogCursor(cursor: string): { timeNs: bigint; id: bigint } {
  const [timeNs, id] = cursor.split('.') as [string, string];
  return { timeNs: BigInt(timeNs), id: BigInt(id) };
}

/** A path segment as the id it names, whether or not the router already percent-decoded it. */
export function decodePathSegment(raw: string): string {
  try {
    return /%[0-9a-fA-F]{2}/.test(raw) ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

export function parseCorrelationId(raw: string): string {
  const id = decodePathSegment(raw).trim();
  if (id === '' || id.length > 256) throw badRequest('a correlation id is 1 to 256 characters');
  return id;
}
