// Meshlight's internal trace model: what every OTLP transport decodes into and what storage and
// the query side speak. Pure types and tiny helpers only; no I/O.
//
// Units are explicit in names: `*Ns` are Unix-epoch nanoseconds kept as bigint because they
// exceed 2^53; `*Us` are microseconds (Jaeger's unit) and `*Ms` milliseconds.

/** Unix-epoch nanoseconds. */
export type Nanos = bigint;

/** OTLP SpanKind, numbered as in opentelemetry/proto/trace/v1/trace.proto. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP Status.StatusCode. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

export function spanKindName(kind: number): SpanKindName {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

export function spanKindFromName(name: string): SpanKind | undefined {
  const index = (SPAN_KIND_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return index >= 0 ? (index as SpanKind) : undefined;
}

/**
 * An attribute value already in its JSON form, as stored in jsonb:
 * int64 values that do not fit a double exactly are kept as decimal strings,
 * bytes as base64 strings, kvlists as objects.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attributes;
}

export interface SpanEvent {
  timeNs: Nanos;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startNs: Nanos;
  endNs: Nanos;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  statusCode: StatusCode;
  statusMessage: string;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  /** Derived from the `service.name` resource attribute; OTel's default when absent. */
  serviceName: string;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

/** One decoded ExportTraceServiceRequest, whatever transport it came on. */
export interface TraceBatch {
  resourceSpans: ResourceSpans[];
  /** Number of spans accepted into `resourceSpans`. */
  spanCount: number;
  /** Spans the decoder refused (e.g. invalid ids); reported back as partial_success. */
  rejectedSpans: number;
  /** Human-readable reason for the first rejection, for partial_success.error_message. */
  rejectionMessage: string;
}

/** The `service.name` OTel SDKs use when none is configured. */
export const UNKNOWN_SERVICE = 'unknown_service';

export function serviceNameOf(attributes: Attributes): string {
  const name = attributes['service.name'];
  return typeof name === 'string' && name.length > 0 ? name : UNKNOWN_SERVICE;
}

export function countSpans(resourceSpans: readonly ResourceSpans[]): number {
  let count = 0;
  for (const rs of resourceSpans) for (const ss of rs.scopeSpans) count += ss.spans.length;
  return count;
}

/**
 * A Span with every field at its proto3 default. Decoders fill it in place so every span object has
 * one fixed shape (one hidden class on the hot path); fixtures spread over it.
 */
export function emptySpan(): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    flags: 0,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startNs: 0n,
    endNs: 0n,
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: StatusCode.UNSET,
    statusMessage: '',
  };
}

const HEX_ID = /^[0-9a-f]+$/;
const ZERO_ID = /^0+$/;

/** A valid trace id is 32 lowercase hex chars and not all zero (OTLP spec, trace.proto). */
export function isValidTraceId(id: string): boolean {
  return id.length === 32 && HEX_ID.test(id) && !ZERO_ID.test(id);
}

/** A valid span id is 16 lowercase hex chars and not all zero. */
export function isValidSpanId(id: string): boolean {
  return id.length === 16 && HEX_ID.test(id) && !ZERO_ID.test(id);
}

export const NANOS_PER_MICRO = 1000n;
export const NANOS_PER_MILLI = 1_000_000n;

export function nanosToMicros(ns: Nanos): number {
  return Number(ns / NANOS_PER_MICRO);
}

export function microsToNanos(us: number): Nanos {
  return BigInt(Math.trunc(us)) * NANOS_PER_MICRO;
}
