// Turns a decoded TraceBatch into what storage writes: the `spans` rows as PostgreSQL COPY text,
// plus the dictionary rows (resources, scopes, operations) they reference. Done once, when a
// request is accepted, so the queue holds compact text rather than object graphs and the writers
// only concatenate and send.
import { createHash } from 'node:crypto';
import type { Attributes, InstrumentationScope, Resource, Span, TraceBatch } from '../../lib/domain/model';
import { toStoredEvents, toStoredLinks } from '../../lib/domain/stored-span-json';
import { COPY_NULL, copyByteaFromHex, copyNullableText, copyText, needsSanitizing, sanitizeJson } from './copy-text';
import { dayOf } from './partition-plan';

export const SPAN_COPY_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'start_ns',
  'duration_ns',
  'service_name',
  'name',
  'kind',
  'status_code',
  'status_message',
  'resource_id',
  'scope_id',
  'attributes',
  'events',
  'links',
  'trace_state',
  'flags',
  'dropped_attributes_count',
  'dropped_events_count',
  'dropped_links_count',
] as const;

export const SPAN_COPY_TARGET = `spans (${SPAN_COPY_COLUMNS.join(', ')})`;

export interface ResourceRow {
  id: bigint;
  serviceName: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface ScopeRow {
  id: bigint;
  name: string;
  version: string;
  attributes: Attributes;
}

export interface OperationRow {
  serviceName: string;
  spanName: string;
  spanKind: number;
  lastSeenNs: bigint;
}

/** A batch of spans ready to write. */
export interface SpanRows {
  copyText: string;
  spanCount: number;
  /** UTC days (see partition-plan) the spans start in, so their partitions can be ensured. */
  days: Set<number>;
  resources: Map<bigint, ResourceRow>;
  scopes: Map<bigint, ScopeRow>;
  operations: Map<string, OperationRow>;
}

/** A 64-bit id from the canonical JSON of a dictionary entry: the same entry always maps to it. */
export function dictionaryId(canonical: unknown): bigint {
  return createHash('sha256').update(JSON.stringify(canonical, sortedKeys)).digest().readBigInt64BE(0);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

export function resourceRow(resource: Resource, serviceName: string, schemaUrl: string): ResourceRow {
  const clean = sanitizeJson(resource.attributes);
  return {
    id: dictionaryId({ a: clean, d: resource.droppedAttributesCount, s: schemaUrl }),
    serviceName: sanitizeJson(serviceName),
    attributes: clean,
    droppedAttributesCount: resource.droppedAttributesCount,
    schemaUrl,
  };
}

export function scopeRow(scope: InstrumentationScope): ScopeRow {
  const clean = sanitizeJson(scope);
  return {
    id: dictionaryId({ n: clean.name, v: clean.version, a: clean.attributes }),
    name: clean.name,
    version: clean.version,
    attributes: clean.attributes,
  };
}

export function encodeSpanRows(batch: TraceBatch): SpanRows {
  const rows: SpanRows = {
    copyText: '',
    spanCount: 0,
    days: new Set(),
    resources: new Map(),
    scopes: new Map(),
    operations: new Map(),
  };
  const lines: string[] = [];
  for (const rs of batch.resourceSpans) {
    const resource = resourceRow(rs.resource, rs.serviceName, rs.schemaUrl);
    rows.resources.set(resource.id, resource);
    const service = copyText(resource.serviceName);
    for (const ss of rs.scopeSpans) {
      const scope = scopeRow(ss.scope);
      rows.scopes.set(scope.id, scope);
      const ids = `\t${resource.id}\t${scope.id}\t`;
      for (const span of ss.spans) {
        let line = spanLine(span, service, ids);
        if (needsSanitizing(line)) line = spanLine(sanitizeJson(span), service, ids);
        lines.push(line);
        rows.days.add(dayOf(span.startNs));
        noteOperation(rows.operations, resource.serviceName, span);
      }
    }
  }
  rows.spanCount = lines.length;
  rows.copyText = lines.join('');
  return rows;
}

function spanLine(span: Span, service: string, resourceAndScope: string): string {
  const duration = span.endNs > span.startNs ? span.endNs - span.startNs : 0n;
  const events = toStoredEvents(span.events);
  const links = toStoredLinks(span.links);
  return (
    copyByteaFromHex(span.traceId) +
    '\t' +
    copyByteaFromHex(span.spanId) +
    '\t' +
    (span.parentSpanId ? copyByteaFromHex(span.parentSpanId) : COPY_NULL) +
    '\t' +
    span.startNs +
    '\t' +
    duration +
    '\t' +
    service +
    '\t' +
    copyText(span.name) +
    '\t' +
    span.kind +
    '\t' +
    span.statusCode +
    '\t' +
    copyNullableText(span.statusMessage) +
    resourceAndScope +
    copyText(JSON.stringify(span.attributes)) +
    '\t' +
    (events ? copyText(JSON.stringify(events)) : COPY_NULL) +
    '\t' +
    (links ? copyText(JSON.stringify(links)) : COPY_NULL) +
    '\t' +
    copyNullableText(span.traceState) +
    '\t' +
    span.flags +
    '\t' +
    span.droppedAttributesCount +
    '\t' +
    span.droppedEventsCount +
    '\t' +
    span.droppedLinksCount +
    '\n'
  );
}

function noteOperation(operations: Map<string, OperationRow>, serviceName: string, span: Span): void {
  const key = `${serviceName}\u0000${span.name}\u0000${span.kind}`;
  const known = operations.get(key);
  if (known) {
    if (span.startNs > known.lastSeenNs) known.lastSeenNs = span.startNs;
    return;
  }
  operations.set(key, {
    serviceName,
    spanName: sanitizeJson(span.name),
    spanKind: span.kind,
    lastSeenNs: span.startNs,
  });
}

/** Concatenates several accepted batches into one write. */
export function mergeSpanRows(parts: readonly SpanRows[]): SpanRows {
  if (parts.length === 1) return parts[0]!;
  const merged: SpanRows = {
    copyText: parts.map((p) => p.copyText).join(''),
    spanCount: 0,
    days: new Set(),
    resources: new Map(),
    scopes: new Map(),
    operations: new Map(),
  };
  for (const part of parts) {
    merged.spanCount += part.spanCount;
    for (const day of part.days) merged.days.add(day);
    for (const [id, row] of part.resources) merged.resources.set(id, row);
    for (const [id, row] of part.scopes) merged.scopes.set(id, row);
    for (const [key, row] of part.operations) {
      const known = merged.operations.get(key);
      if (!known || row.lastSeenNs > known.lastSeenNs) merged.operations.set(key, row);
    }
  }
  return merged;
}

/** Splits rows in two halves by line, to isolate a row the database refuses. */
export function splitSpanRows(rows: SpanRows): [SpanRows, SpanRows] {
  const lines = rows.copyText.split('\n').slice(0, -1);
  const half = Math.ceil(lines.length / 2);
  const make = (part: string[]): SpanRows => ({
    ...rows,
    copyText: part.length ? part.join('\n') + '\n' : '',
    spanCount: part.length,
  });
  return [make(lines.slice(0, half)), make(lines.slice(half))];
}
