// Jaeger JSON → domain traces: the inverse of to-jaeger.ts, for viewing a trace file downloaded
// from Jaeger (or from Meshlight's Jaeger API). Tags the OTLP→Jaeger translator synthesises go back
// to span fields (span.kind, otel.status_code, error, otel.scope.*, w3c.tracestate); the first
// CHILD_OF reference in the same trace is the parent, other references become links; a log's
// `event` field is the event name. Times are microseconds. Pure; throws on a shape it cannot read.
import { SpanKind, StatusCode, microsToNanos, spanKindFromName, type Attributes, type SpanEvent, type SpanLink } from '../domain/model';
import type { Trace, TraceResource, TraceScope, TraceSpan } from '../domain/trace';
import { JaegerTagKey } from './to-jaeger';
import type { JaegerKeyValue, JaegerProcess, JaegerSpan, JaegerTrace } from './types';

function attributesOf(tags: readonly JaegerKeyValue[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  for (const tag of tags ?? []) attributes[tag.key] = tag.value as Attributes[string];
  return attributes;
}

const pad = (id: string, length: number) => id.toLowerCase().padStart(length, '0');

/** True for `{data: [...]}` or a single Jaeger trace object. */
export function looksLikeJaeger(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Record<string, unknown>;
  return Array.isArray(object.data) || (Array.isArray(object.spans) && typeof object.processes === 'object');
}

export function fromJaegerJson(value: unknown): Trace[] {
  const object = value as { data?: unknown };
  const traces = (Array.isArray(object.data) ? object.data : [value]) as JaegerTrace[];
  return traces.map(fromJaegerTrace).filter((trace) => trace.spans.length > 0);
}

function fromJaegerTrace(trace: JaegerTrace): Trace {
  if (!Array.isArray(trace.spans)) throw new Error('not a Jaeger trace: `spans` is missing');
  const traceId = pad(trace.traceID ?? trace.spans[0]?.traceID ?? '', 32);
  const resources = new Map<string, TraceResource>();
  const resourceOf = (processID: string): TraceResource => {
    let resource = resources.get(processID);
    if (!resource) {
      const process: JaegerProcess = trace.processes?.[processID] ?? { serviceName: 'unknown_service', tags: [] };
      resource = {
        id: processID,
        serviceName: process.serviceName,
        schemaUrl: '',
        attributes: { 'service.name': process.serviceName, ...attributesOf(process.tags) },
        droppedAttributesCount: 0,
      };
      resources.set(processID, resource);
    }
    return resource;
  };
  const scopes = new Map<string, TraceScope>();
  const spans = trace.spans.map((span) => fromJaegerSpan(span, traceId, resourceOf(span.processID), scopes));
  return { traceId, spans };
}

function fromJaegerSpan(span: JaegerSpan, traceId: string, resource: TraceResource, scopes: Map<string, TraceScope>): TraceSpan {
  const attributes = attributesOf(span.tags);
  const take = (key: string) => {
    const value = attributes[key];
    delete attributes[key];
    return value;
  };
  const kind = spanKindFromName(String(take(JaegerTagKey.spanKind) ?? '')) ?? SpanKind.UNSPECIFIED;
  const statusText = String(take(JaegerTagKey.statusCode) ?? '').toUpperCase();
  const error = take(JaegerTagKey.error);
  const statusCode =
    statusText === 'ERROR' || error === true || error === 'true' ? StatusCode.ERROR : statusText === 'OK' ? StatusCode.OK : StatusCode.UNSET;
  const statusMessage = String(take(JaegerTagKey.statusDescription) ?? '');
  const scopeName = String(take(JaegerTagKey.scopeName) ?? '');
  const scopeVersion = String(take(JaegerTagKey.scopeVersion) ?? '');
  const traceState = String(take(JaegerTagKey.traceState) ?? '');
  const scopeKey = `${scopeName}\u0000${scopeVersion}`;
  let scope = scopes.get(scopeKey);
  if (!scope) scopes.set(scopeKey, (scope = { id: scopeKey, name: scopeName, version: scopeVersion, attributes: {} }));

  let parentSpanId = '';
  const links: SpanLink[] = [];
  for (const ref of span.references ?? []) {
    const refTrace = pad(ref.traceID, 32);
    if (!parentSpanId && ref.refType === 'CHILD_OF' && refTrace === traceId) {
      parentSpanId = pad(ref.spanID, 16);
      continue;
    }
    links.push({ traceId: refTrace, spanId: pad(ref.spanID, 16), traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 });
  }
  const events: SpanEvent[] = (span.logs ?? []).map((log) => {
    const fields = attributesOf(log.fields);
    const name = typeof fields[JaegerTagKey.event] === 'string' ? (fields[JaegerTagKey.event] as string) : '';
    delete fields[JaegerTagKey.event];
    return { timeNs: microsToNanos(log.timestamp), name, attributes: fields, droppedAttributesCount: 0 };
  });
  const startNs = microsToNanos(span.startTime);
  return {
    traceId,
    spanId: pad(span.spanID, 16),
    parentSpanId,
    traceState,
    flags: span.flags ?? 0,
    name: span.operationName,
    kind,
    startNs,
    endNs: startNs + microsToNanos(span.duration),
    attributes,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    statusCode,
    statusMessage,
    resource,
    scope,
  };
}
