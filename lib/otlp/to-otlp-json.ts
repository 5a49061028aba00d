// Domain trace → OTLP/JSON (an ExportTraceServiceRequest, as OTLP/HTTP JSON exporters send it), so a
// trace downloads in the format every OpenTelemetry tool reads and Meshlight's own upload (and
// collector) accepts back. Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding —
// ids as hex, 64-bit integers as decimal strings, enums as numbers. Pure.
import type { AttributeValue, Attributes } from '../domain/model';
import type { Trace, TraceSpan } from '../domain/trace';

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;
interface KeyValue {
  key: string;
  value: AnyValue;
}

export function toAnyValue(value: AttributeValue): AnyValue {
  if (value === null) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  return { kvlistValue: { values: toKeyValues(value) } };
}

export function toKeyValues(attributes: Attributes): KeyValue[] {
  return Object.keys(attributes).map((key) => ({ key, value: toAnyValue(attributes[key]!) }));
}

function otlpSpan(span: TraceSpan) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    ...(span.traceState ? { traceState: span.traceState } : {}),
    ...(span.flags ? { flags: span.flags } : {}),
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startNs.toString(),
    endTimeUnixNano: span.endNs.toString(),
    attributes: toKeyValues(span.attributes),
    ...(span.droppedAttributesCount ? { droppedAttributesCount: span.droppedAttributesCount } : {}),
    events: span.events.map((event) => ({
      timeUnixNano: event.timeNs.toString(),
      name: event.name,
      attributes: toKeyValues(event.attributes),
      ...(event.droppedAttributesCount ? { droppedAttributesCount: event.droppedAttributesCount } : {}),
    })),
    ...(span.droppedEventsCount ? { droppedEventsCount: span.droppedEventsCount } : {}),
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      ...(link.traceState ? { traceState: link.traceState } : {}),
      attributes: toKeyValues(link.attributes),
      ...(link.flags ? { flags: link.flags } : {}),
    })),
    ...(span.droppedLinksCount ? { droppedLinksCount: span.droppedLinksCount } : {}),
    status: { code: span.statusCode, ...(span.statusMessage ? { message: span.statusMessage } : {}) },
  };
}

/** Spans grouped by resource, then scope, in span order. */
export function toOtlpJson(trace: Trace) {
  const resources = new Map<string, { span: TraceSpan; scopes: Map<string, TraceSpan[]> }>();
  for (const span of trace.spans) {
    let entry = resources.get(span.resource.id);
    if (!entry) resources.set(span.resource.id, (entry = { span, scopes: new Map() }));
    let list = entry.scopes.get(span.scope.id);
    if (!list) entry.scopes.set(span.scope.id, (list = []));
    list.push(span);
  }
  return {
    resourceSpans: [...resources.values()].map(({ span, scopes }) => ({
      resource: {
        attributes: toKeyValues(span.resource.attributes),
        ...(span.resource.droppedAttributesCount ? { droppedAttributesCount: span.resource.droppedAttributesCount } : {}),
      },
      ...(span.resource.schemaUrl ? { schemaUrl: span.resource.schemaUrl } : {}),
      scopeSpans: [...scopes.values()].map((spans) => ({
        scope: { name: spans[0]!.scope.name, version: spans[0]!.scope.version, attributes: toKeyValues(spans[0]!.scope.attributes) },
        spans: spans.map(otlpSpan),
      })),
    })),
  };
}
