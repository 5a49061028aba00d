// Domain trace → Jaeger JSON, the way Jaeger itself shows OTLP data: OpenTelemetry's
// OTLP→Jaeger translator (collector-contrib pkg/translator/jaeger, traces_to_jaegerproto.go) for
// tags, references and logs, then the query service's adjusters and model/json conversion. Pure.
//
// What storage cannot give back: jsonb keeps no distinction between an integral double (1.0) and
// an int (1), so integral numbers become int64 tags; int64s beyond 2^53 and bytes are stored as
// strings, so they become string tags.
import { StatusCode, spanKindName, nanosToMicros, type AttributeValue, type Attributes } from '../domain/model';
import type { Trace, TraceResource, TraceSpan } from '../domain/trace';
import type {
  JaegerKeyValue,
  JaegerLog,
  JaegerOperation,
  JaegerProcess,
  JaegerReference,
  JaegerSpan,
  JaegerTrace,
} from './types';

/** Tag keys the translator adds (semantic conventions and collector-contrib tracetranslator). */
export const JaegerTagKey = {
  scopeName: 'otel.scope.name',
  scopeVersion: 'otel.scope.version',
  spanKind: 'span.kind',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  error: 'error',
  traceState: 'w3c.tracestate',
  /** Log field carrying an OTel event's name. */
  event: 'event',
  /** Link attribute OpenTracing shims set to keep a CHILD_OF reference type. */
  refType: 'opentracing.ref_type',
} as const;

/**
 * Jaeger prints a 128-bit trace id whose high half is zero as 16 hex digits (model.TraceID.String),
 * so ids a Jaeger client generated keep their short form.
 */
export function jaegerTraceId(traceId: string): string {
  return traceId.length === 32 && traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}

export function toJaegerKeyValue(key: string, value: AttributeValue): JaegerKeyValue {
  switch (typeof value) {
    case 'string':
      return { key, type: 'string', value };
    case 'boolean':
      return { key, type: 'bool', value };
    case 'number':
      return Number.isInteger(value) ? { key, type: 'int64', value } : { key, type: 'float64', value };
    default:
      // An empty AnyValue becomes an empty string tag; arrays and kvlists their JSON text
      // (pcommon.Value.AsString), as the translator does.
      return { key, type: 'string', value: value === null ? '' : JSON.stringify(value) };
  }
}

/** Attributes as tags sorted by key, as Jaeger's SortCollections adjuster leaves them. */
export function toJaegerTags(attributes: Attributes, skip?: string): JaegerKeyValue[] {
  // The default sort compares UTF-16 code units, like Go's string order for the keys we meet.
  const keys = Object.keys(attributes).sort();
  const tags: JaegerKeyValue[] = [];
  for (const key of keys) {
    if (key === skip) continue;
    tags.push(toJaegerKeyValue(key, attributes[key]!));
  }
  return tags;
}

export function toJaegerProcess(resource: TraceResource): JaegerProcess {
  return { serviceName: resource.serviceName, tags: toJaegerTags(resource.attributes, 'service.name') };
}

function spanTags(span: TraceSpan): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  if (span.scope.name) tags.push({ key: JaegerTagKey.scopeName, type: 'string', value: span.scope.name });
  if (span.scope.version) tags.push({ key: JaegerTagKey.scopeVersion, type: 'string', value: span.scope.version });
  for (const tag of toJaegerTags(span.attributes)) tags.push(tag);
  const kind = spanKindName(span.kind);
  if (kind !== 'unspecified') tags.push({ key: JaegerTagKey.spanKind, type: 'string', value: kind });
  if (span.statusCode === StatusCode.ERROR) {
    tags.push({ key: JaegerTagKey.statusCode, type: 'string', value: 'ERROR' });
    tags.push({ key: JaegerTagKey.error, type: 'bool', value: true });
  } else if (span.statusCode === StatusCode.OK) {
    tags.push({ key: JaegerTagKey.statusCode, type: 'string', value: 'OK' });
  }
  if (span.statusMessage) {
    tags.push({ key: JaegerTagKey.statusDescription, type: 'string', value: span.statusMessage });
  }
  if (span.traceState) tags.push({ key: JaegerTagKey.traceState, type: 'string', value: span.traceState });
  return tags;
}

/**
 * The parent becomes the first CHILD_OF reference; links become FOLLOWS_FROM unless their
 * `opentracing.ref_type` attribute says `child_of`, and a link to the parent only retypes it.
 */
function spanReferences(span: TraceSpan, traceID: string): JaegerReference[] {
  const refs: JaegerReference[] = [];
  if (span.parentSpanId) refs.push({ refType: 'CHILD_OF', traceID, spanID: span.parentSpanId });
  for (const link of span.links) {
    const refType = link.attributes[JaegerTagKey.refType] === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM';
    if (span.parentSpanId && link.traceId === span.traceId && link.spanId === span.parentSpanId) {
      refs[0]!.refType = refType;
      continue;
    }
    refs.push({ refType, traceID: jaegerTraceId(link.traceId), spanID: link.spanId });
  }
  return refs;
}

function spanLogs(span: TraceSpan): JaegerLog[] {
  return span.events.map((event) => {
    const fields: JaegerKeyValue[] = [];
    if (event.name && !(JaegerTagKey.event in event.attributes)) {
      fields.push({ key: JaegerTagKey.event, type: 'string', value: event.name });
    }
    for (const field of toJaegerTags(event.attributes)) fields.push(field);
    return { timestamp: nanosToMicros(event.timeNs), fields };
  });
}

export function toJaegerSpan(span: TraceSpan, processID: string): JaegerSpan {
  const traceID = jaegerTraceId(span.traceId);
  const traceFlags = span.flags & 0xff;
  return {
    traceID,
    spanID: span.spanId,
    ...(traceFlags ? { flags: traceFlags } : {}),
    operationName: span.name,
    references: spanReferences(span, traceID),
    startTime: nanosToMicros(span.startNs),
    duration: span.endNs > span.startNs ? nanosToMicros(span.endNs - span.startNs) : 0,
    tags: spanTags(span),
    logs: spanLogs(span),
    processID,
    warnings: null,
  };
}

/** One Jaeger trace; processes are numbered p1, p2, … per distinct resource in span order. */
export function toJaegerTrace(trace: Trace): JaegerTrace {
  const processIds = new Map<string, string>();
  const processes: Record<string, JaegerProcess> = {};
  const spans: JaegerSpan[] = new Array(trace.spans.length);
  for (let i = 0; i < trace.spans.length; i++) {
    const span = trace.spans[i]!;
    let processID = processIds.get(span.resource.id);
    if (processID === undefined) {
      processID = `p${processIds.size + 1}`;
      processIds.set(span.resource.id, processID);
      processes[processID] = toJaegerProcess(span.resource);
    }
    spans[i] = toJaegerSpan(span, processID);
  }
  return { traceID: jaegerTraceId(trace.traceId), spans, processes, warnings: null };
}

export function toJaegerOperation(name: string, kind: number): JaegerOperation {
  const kindName = spanKindName(kind);
  return { name, spanKind: kindName === 'unspecified' ? '' : kindName };
}
