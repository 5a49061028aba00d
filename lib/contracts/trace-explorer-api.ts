// The trace explorer's own API (the Jaeger-compatible one stays as it is), shared by the route
// handlers and the UI's hooks:
//
//   GET  /api/ui/traces/{id}?part=&parts=          compact columns of the spans whose id's last
//                                                  byte % parts = part (CompactTracePart)
//   GET  /api/ui/traces/{id}/spans/{spanId}        one span's details, and spans linking to it
//   GET  /api/ui/traces/{id}/search?q=             span ids whose attributes/events/status match
//   GET  /api/ui/traces/{id}/export?format=        otlp | jaeger JSON, as a download
//   POST /api/ui/traces/upload                     an OTLP or Jaeger JSON file → compact + details
//   GET  /api/ui/attributes?service=&key=          attribute keys (or values of `key`) seen lately
import { z } from 'zod';
import type { Attributes } from '../domain/model';
import type { TraceSpan } from '../domain/trace';
import type { CompactTracePart } from '../domain/trace-model';
import { badRequest } from './api-error';

export { TRACE_PARTS } from './trace-parts';
export const MAX_PARTS = 16;

/** A span of another trace whose link points at the span being looked at. */
export interface LinkingSpan {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
}

/** Numbers are ns as decimal strings (they exceed a double). */
export interface SpanDetail {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  statusCode: number;
  statusMessage: string;
  startNs: string;
  endNs: string;
  traceState: string;
  flags: number;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: { timeNs: string; name: string; attributes: Attributes; droppedAttributesCount: number }[];
  droppedEventsCount: number;
  links: { traceId: string; spanId: string; traceState: string; attributes: Attributes }[];
  droppedLinksCount: number;
  resource: { serviceName: string; schemaUrl: string; attributes: Attributes };
  scope: { name: string; version: string; attributes: Attributes };
}

export interface SpanDetailResponse {
  span: SpanDetail;
  /** Spans of other traces whose links point here (consumers, batch jobs). */
  linkedFrom: LinkingSpan[];
}

export interface TraceSearchResponse {
  spanIds: string[];
}

export interface UploadedTrace {
  part: CompactTracePart;
  details: Record<string, SpanDetail>;
  /** Other traces in the file, not shown. */
  otherTraceCount: number;
  format: 'otlp' | 'jaeger';
}

export interface AttributeSuggestions {
  key?: string;
  keys?: string[];
  values?: string[];
}

export function toSpanDetail(span: TraceSpan): SpanDetail {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    statusCode: span.statusCode,
    statusMessage: span.statusMessage,
    startNs: span.startNs.toString(),
    endNs: span.endNs.toString(),
    traceState: span.traceState,
    flags: span.flags,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      timeNs: event.timeNs.toString(),
      name: event.name,
      attributes: event.attributes,
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, traceState: link.traceState, attributes: link.attributes })),
    droppedLinksCount: span.droppedLinksCount,
    resource: { serviceName: span.resource.serviceName, schemaUrl: span.resource.schemaUrl, attributes: span.resource.attributes },
    scope: { name: span.scope.name, version: span.scope.version, attributes: span.scope.attributes },
  };
}

function parse<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const result = schema.safeParse(Object.fromEntries([...params].filter(([, value]) => value !== '')));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badRequest(`unable to parse param '${String(issue.path[0] ?? '')}': ${issue.message}`);
  }
  return result.data;
}

const partsSchema = z
  .object({
    part: z.coerce.number().int().min(0).default(0),
    parts: z.coerce.number().int().min(1).max(MAX_PARTS).default(1),
  })
  .refine((value) => value.part < value.parts, { message: 'part must be below parts', path: ['part'] });

export function parseTracePartRequest(params: URLSearchParams): { part: number; parts: number } {
  return parse(partsSchema, params);
}

export function parseSpanIdParam(text: string): string {
  if (!/^[0-9a-fA-F]{16}$/.test(text)) throw badRequest(`invalid span id '${text}': expected 16 hexadecimal characters`);
  return text.toLowerCase();
}

const searchSchema = z.object({ q: z.string().trim().min(2, 'at least 2 characters').max(200) });

export function parseTraceTextSearch(params: URLSearchParams): string {
  return parse(searchSchema, params).q;
}

const exportSchema = z.object({ format: z.enum(['otlp', 'jaeger']).default('otlp') });

export function parseExportRequest(params: URLSearchParams): 'otlp' | 'jaeger' {
  return parse(exportSchema, params).format;
}

const attributesSchema = z.object({
  service: z.string().max(300).optional(),
  key: z.string().max(300).optional(),
});

/** Autocomplete samples this many recent spans over this window. */
export const ATTRIBUTE_SAMPLE_SPANS = 2000;
export const ATTRIBUTE_SAMPLE_WINDOW_NS = 6n * 3_600_000_000_000n;

export function parseAttributeSuggestionRequest(params: URLSearchParams): { service?: string; key?: string } {
  return parse(attributesSchema, params);
}

/** The largest trace file the upload accepts. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
