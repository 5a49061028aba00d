// What both OTLP trace decoders (protobuf and JSON) agree on once a span is read: which ids are
// acceptable, what an unknown enum value becomes, and how rejected spans are reported back to the
// client as partial success. Keeping it in one place is what lets the two decoders produce
// deep-equal TraceBatches for the same request.
import {
  SpanKind,
  StatusCode,
  type Span,
  type SpanLink,
} from '../domain/model';

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** Ids are echoed in rejection messages; a hostile "id" could be megabytes long. */
const MAX_ID_IN_MESSAGE = 40;

/**
 * Why this span cannot be stored, or undefined if it can. trace.proto: "An ID with all zeroes OR
 * of length other than 16 [8] bytes is considered invalid (empty string in OTLP/JSON is
 * zero-length and thus is also invalid)." Ids arrive here as lowercase hex (a JSON id that is
 * not hex at all is refused by the JSON decoder before this).
 */
export function spanIdProblem(span: Span): string | undefined {
  if (!isUsableId(span.traceId, ZERO_TRACE_ID)) return `invalid trace id ${quoteId(span.traceId)} (must be 16 bytes, not all zero)`;
  if (!isUsableId(span.spanId, ZERO_SPAN_ID)) return `invalid span id ${quoteId(span.spanId)} (must be 8 bytes, not all zero)`;
  // "If this is a root span, then this field must be empty." We also read an all-zero parent as
  // "no parent", as the OpenTelemetry Collector's pdata does (SpanID.IsEmpty).
  if (span.parentSpanId.length !== 0 && span.parentSpanId.length !== ZERO_SPAN_ID.length) {
    return `invalid parent span id ${quoteId(span.parentSpanId)} (must be 8 bytes, or empty for a root span)`;
  }
  return undefined;
}

/** The largest timestamp storage holds: PostgreSQL's bigint is a signed 64-bit integer. */
export const MAX_STORABLE_NS = (1n << 63n) - 1n;

/**
 * Why this span's timestamps cannot be stored, or undefined. fixed64 allows up to 2^64 - 1, which
 * no clock produces and PostgreSQL's bigint cannot hold; the span is refused here, with a reason,
 * rather than accepted and then lost when the database refuses its row.
 */
export function spanTimeProblem(span: Span): string | undefined {
  if (span.startNs > MAX_STORABLE_NS) return `startTimeUnixNano ${span.startNs} is out of range (at most ${MAX_STORABLE_NS})`;
  if (span.endNs > MAX_STORABLE_NS) return `endTimeUnixNano ${span.endNs} is out of range (at most ${MAX_STORABLE_NS})`;
  return undefined;
}

/** Normalizes an all-zero parent span id to '' (root). Call after spanIdProblem() passed. */
export function rootIfZeroParent(span: Span): void {
  if (span.parentSpanId === ZERO_SPAN_ID) span.parentSpanId = '';
}

/**
 * A link whose ids are invalid points nowhere; we drop it and count it in the span's
 * droppedLinksCount (the field that exists for exactly that) rather than refusing the whole span.
 */
export function isUsableLink(link: SpanLink): boolean {
  return isUsableId(link.traceId, ZERO_TRACE_ID) && isUsableId(link.spanId, ZERO_SPAN_ID);
}

function isUsableId(hex: string, zero: string): boolean {
  return hex.length === zero.length && hex !== zero;
}

function quoteId(hex: string): string {
  if (hex === '') return '(empty)';
  return hex.length > MAX_ID_IN_MESSAGE ? `"${hex.slice(0, MAX_ID_IN_MESSAGE)}…"` : `"${hex}"`;
}

const SPAN_KIND_MAX = SpanKind.CONSUMER;
const STATUS_CODE_MAX = StatusCode.ERROR;

/**
 * proto3 enums are open, so any int32 can arrive. Values this model does not know collapse to
 * UNSPECIFIED / UNSET, which trace.proto says receivers may treat as the default.
 */
export function spanKindOf(value: number): SpanKind {
  return value >= 0 && value <= SPAN_KIND_MAX ? (value as SpanKind) : SpanKind.UNSPECIFIED;
}

export function statusCodeOf(value: number): StatusCode {
  return value >= 0 && value <= STATUS_CODE_MAX ? (value as StatusCode) : StatusCode.UNSET;
}

/**
 * Counts spans refused by a decoder and keeps the first reason, for
 * ExportTracePartialSuccess{rejected_spans, error_message}
 * (https://opentelemetry.io/docs/specs/otlp/#partial-success-1).
 */
export class SpanRejections {
  count = 0;
  firstMessage = '';
  /** Spans kept, but with text PostgreSQL cannot store cleaned (see clean-text.ts). */
  cleaned = 0;
  firstCleaned = '';

  reject(location: string, span: Span, reason: string): void {
    if (this.count === 0) {
      const name = span.name.length > 100 ? `${span.name.slice(0, 100)}…` : span.name;
      this.firstMessage = `${location} (${JSON.stringify(name)}): ${reason}`;
    }
    this.count++;
  }

  noteCleaned(location: string): void {
    if (this.cleaned === 0) this.firstCleaned = location;
    this.cleaned++;
  }

  /** partial_success.error_message: the first rejection, and a warning about cleaned text. */
  get message(): string {
    if (this.cleaned === 0) return this.firstMessage;
    const warning =
      `${this.cleaned} span${this.cleaned === 1 ? '' : 's'} had text PostgreSQL cannot store (NUL or unpaired surrogates), ` +
      `replaced with U+FFFD (first: ${this.firstCleaned})`;
    return this.firstMessage === '' ? warning : `${this.firstMessage}; ${warning}`;
  }
}

/** The rejection location, in OTLP/JSON field names whichever encoding the request used. */
export function spanLocation(resourceIndex: number, scopeIndex: number, spanIndex: number): string {
  return `resourceSpans[${resourceIndex}].scopeSpans[${scopeIndex}].spans[${spanIndex}]`;
}

/**
 * Applies the rules above to a decoded span: returns true when it may be kept, else records the
 * rejection. `knownProblem` is a reason the caller already found (e.g. a JSON id that is not hex);
 * `textCleaned` says decoding it replaced text PostgreSQL refuses (reported as a warning).
 */
export function admitSpan(
  span: Span,
  rejections: SpanRejections,
  resourceIndex: number,
  scopeIndex: number,
  spanIndex: number,
  knownProblem?: string,
  textCleaned = false,
): boolean {
  const problem = knownProblem ?? spanIdProblem(span) ?? spanTimeProblem(span);
  if (problem !== undefined) {
    rejections.reject(spanLocation(resourceIndex, scopeIndex, spanIndex), span, problem);
    return false;
  }
  if (textCleaned) rejections.noteCleaned(spanLocation(resourceIndex, scopeIndex, spanIndex));
  rootIfZeroParent(span);
  return true;
}
