// A span as the query side reads it from the `spans` table: one row in array mode. Scalars come
// packed by SQL into one space-separated `head` (hex ids, decimal integers) so the driver does no
// per-column conversion; jsonb columns arrive as their text. Two readers share this layout: the
// decoder to TraceSpan objects (lib/db/trace-queries.ts) and the Jaeger writer that copies rows
// straight into response bytes (lib/jaeger/rows-to-jaeger.ts).
import type { TraceResource, TraceScope } from './trace';

/** Positions in `head` (see SPAN_ROW_SELECT in lib/db/trace-queries.ts, which must match). */
export const Head = {
  traceId: 0,
  spanId: 1,
  /** `-` for a root span. */
  parentSpanId: 2,
  startNs: 3,
  durationNs: 4,
  kind: 5,
  statusCode: 6,
  resourceId: 7,
  scopeId: 8,
  flags: 9,
  droppedAttributes: 10,
  droppedEvents: 11,
  droppedLinks: 12,
  /** start_ns / 1000, truncated: Jaeger's startTime, computed by SQL so no BigInt is needed. */
  startMicros: 13,
  /** duration in µs, 0 when the span does not end after it starts (Jaeger's duration). */
  durationMicros: 14,
} as const;

export const NO_PARENT = '-';

export interface StoredSpanRow {
  head: string[];
  name: string;
  statusMessage: string | null;
  traceState: string | null;
  serviceName: string;
  /** The attributes jsonb as PostgreSQL prints it: `{"key": value, ...}`, keys by length then bytes. */
  attributes: string;
  events: string | null;
  links: string | null;
}

/** Decimal integers as text, compared by value without BigInt. */
export function compareDecimal(a: string, b: string): number {
  const negative = a.charCodeAt(0) === 45 || b.charCodeAt(0) === 45;
  if (negative) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Start order, then span id: the order every trace read returns its spans in. */
export function compareByStart(a: StoredSpanRow, b: StoredSpanRow): number {
  const byStart = compareDecimal(a.head[Head.startNs]!, b.head[Head.startNs]!);
  if (byStart !== 0) return byStart;
  const x = a.head[Head.spanId]!;
  const y = b.head[Head.spanId]!;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Merges lists each sorted by `compare` into one sorted list. */
export function mergeSorted<T>(lists: readonly T[][], compare: (a: T, b: T) => number): T[] {
  if (lists.length === 1) return lists[0]!;
  const merged: T[] = [];
  const positions = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const candidate = lists[i]![positions[i]!];
      if (candidate === undefined) continue;
      if (best < 0 || compare(candidate, lists[best]![positions[best]!]!) < 0) best = i;
    }
    if (best < 0) return merged;
    merged.push(lists[best]![positions[best]!]!);
    positions[best]!++;
  }
}

/**
 * Traces read as rows: each trace's spans in start order without duplicate span ids, and every
 * resource and scope the rows reference (a missing one replaced by a stand-in).
 */
export interface StoredTraces extends SpanDictionaries {
  traces: { traceId: string; rows: StoredSpanRow[] }[];
}

/** The resources and scopes spans reference, by id. */
export interface SpanDictionaries {
  resources: Map<string, TraceResource>;
  scopes: Map<string, TraceScope>;
}

