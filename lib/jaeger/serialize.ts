// Jaeger JSON text for domain traces (TraceSpan objects), written directly as text span by span:
// the trace explorer's export download uses it, and its pieces (references, logs, scope and
// state tags) are shared with rows-to-jaeger.ts, which serves the Jaeger API from stored rows.
//
// toJaegerSpan() / toJaegerTrace() in to-jaeger.ts stay the reference: serialize.test.ts holds
// jaegerSpanJson(span) === JSON.stringify(toJaegerSpan(span)) over edge-case fixtures, so the two
// cannot drift. Every string goes through JSON.stringify, so escaping is never hand-written.
import { StatusCode, nanosToMicros, spanKindName, type AttributeValue, type Attributes, type SpanEvent, type SpanLink } from '../domain/model';
import type { Trace, TraceScope, TraceSpan } from '../domain/trace';
import { JaegerTagKey, jaegerTraceId, toJaegerProcess } from './to-jaeger';
import type { JaegerError, JaegerProcess } from './types';

const q = JSON.stringify;

/** `{"key":"<key>","type":"` per key, cached: the same few dozen keys repeat on every span. */
const keyPrefixes = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `{"key":${q(key)},"type":"`;
    if (keyPrefixes.size < MAX_CACHED_KEYS) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/** Same as JSON.stringify(toJaegerKeyValue(key, value)). */
export function keyValueJson(key: string, value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return `${keyPrefix(key)}string","value":${q(value)}}`;
    case 'boolean':
      return `${keyPrefix(key)}bool","value":${value}}`;
    case 'number':
      return `${keyPrefix(key)}${Number.isInteger(value) ? 'int64' : 'float64'}","value":${q(value)}}`;
    default:
      return `${keyPrefix(key)}string","value":${q(value === null ? '' : q(value))}}`;
  }
}

function stringTag(key: string, value: string): string {
  return `${keyPrefix(key)}string","value":${q(value)}}`;
}

/** Attributes as tags sorted by key, each preceded by a comma unless it is the first tag written. */
export function tagsJson(attributes: Attributes, nonEmpty: boolean): string {
  const keys = Object.keys(attributes).sort();
  let out = '';
  for (const key of keys) {
    out += nonEmpty ? `,${keyValueJson(key, attributes[key]!)}` : keyValueJson(key, attributes[key]!);
    nonEmpty = true;
  }
  return out;
}

/**
 * The contents of `references`: the parent first, then links (see spanReferences in to-jaeger.ts).
 */
export function referencesJson(traceId: string, parentSpanId: string, links: readonly SpanLink[]): string {
  const traceID = q(jaegerTraceId(traceId));
  let parentRef = parentSpanId ? 'CHILD_OF' : '';
  let others = '';
  for (const link of links) {
    const refType = link.attributes[JaegerTagKey.refType] === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM';
    if (parentSpanId && link.traceId === traceId && link.spanId === parentSpanId) {
      parentRef = refType;
      continue;
    }
    others += `,{"refType":"${refType}","traceID":${q(jaegerTraceId(link.traceId))},"spanID":${q(link.spanId)}}`;
  }
  return parentRef ? `{"refType":"${parentRef}","traceID":${traceID},"spanID":${q(parentSpanId)}}${others}` : others.slice(1);
}

/** The contents of `logs`: one per event (see spanLogs in to-jaeger.ts). */
export function logsJson(events: readonly SpanEvent[]): string {
  let out = '';
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    out += `${i > 0 ? ',' : ''}{"timestamp":${nanosToMicros(event.timeNs)},"fields":[`;
    const named = event.name !== '' && !(JaegerTagKey.event in event.attributes);
    if (named) out += stringTag(JaegerTagKey.event, event.name);
    out += `${tagsJson(event.attributes, named)}]}`;
  }
  return out;
}

/** The scope's tags (see spanTags in to-jaeger.ts), each preceded by a comma. */
export function scopeTagsJson(scope: TraceScope): string {
  let tags = '';
  if (scope.name) tags += `,${stringTag(JaegerTagKey.scopeName, scope.name)}`;
  if (scope.version) tags += `,${stringTag(JaegerTagKey.scopeVersion, scope.version)}`;
  return tags;
}

/** The tags after the attributes: kind, status, trace state (see spanTags), each after a comma. */
export function spanStateTagsJson(span: Pick<TraceSpan, 'kind' | 'statusCode' | 'statusMessage' | 'traceState'>): string {
  let tags = '';
  const kind = spanKindName(span.kind);
  if (kind !== 'unspecified') tags += `,${stringTag(JaegerTagKey.spanKind, kind)}`;
  if (span.statusCode === StatusCode.ERROR) {
    tags += `,${stringTag(JaegerTagKey.statusCode, 'ERROR')},${keyPrefix(JaegerTagKey.error)}bool","value":true}`;
  } else if (span.statusCode === StatusCode.OK) {
    tags += `,${stringTag(JaegerTagKey.statusCode, 'OK')}`;
  }
  if (span.statusMessage) tags += `,${stringTag(JaegerTagKey.statusDescription, span.statusMessage)}`;
  if (span.traceState) tags += `,${stringTag(JaegerTagKey.traceState, span.traceState)}`;
  return tags;
}

/** Same as JSON.stringify(toJaegerSpan(span, processID)). */
export function jaegerSpanJson(span: TraceSpan, processID: string): string {
  const traceID = q(jaegerTraceId(span.traceId));
  let out = `{"traceID":${traceID},"spanID":${q(span.spanId)}`;
  const traceFlags = span.flags & 0xff;
  if (traceFlags) out += `,"flags":${traceFlags}`;
  out += `,"operationName":${q(span.name)},"references":[${referencesJson(span.traceId, span.parentSpanId, span.links)}`;
  const duration = span.endNs > span.startNs ? nanosToMicros(span.endNs - span.startNs) : 0;
  out += `],"startTime":${nanosToMicros(span.startNs)},"duration":${duration},"tags":[`;
  // Every tag is written with a leading comma; drop the first.
  out += `${scopeTagsJson(span.scope)}${tagsJson(span.attributes, true)}${spanStateTagsJson(span)}`.slice(1);

  return `${out}],"logs":[${logsJson(span.events)}],"processID":${q(processID)},"warnings":null}`;
}

/** Process ids for a trace: p1, p2, … per distinct resource, in span order (as toJaegerTrace). */
export function assignProcessIds(trace: Trace): { byResource: Map<string, string>; processes: Record<string, JaegerProcess> } {
  const byResource = new Map<string, string>();
  const processes: Record<string, JaegerProcess> = {};
  for (const span of trace.spans) {
    if (byResource.has(span.resource.id)) continue;
    const processID = `p${byResource.size + 1}`;
    byResource.set(span.resource.id, processID);
    processes[processID] = toJaegerProcess(span.resource);
  }
  return { byResource, processes };
}

/**
 * The pieces of `{"data":[traces…],"total":0,"limit":0,"offset":0,"errors":…}`, lazily; joined,
 * identical to JSON.stringify(jaegerEnvelope(traces.map(toJaegerTrace), 0, errors)).
 */
export function* jaegerTracesJson(traces: readonly Trace[], errors: JaegerError[] | null = null): Generator<string> {
  yield '{"data":[';
  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t]!;
    const { byResource, processes } = assignProcessIds(trace);
    yield `${t > 0 ? ',' : ''}{"traceID":${q(jaegerTraceId(trace.traceId))},"spans":[`;
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      const json = jaegerSpanJson(span, byResource.get(span.resource.id)!);
      yield i > 0 ? `,${json}` : json;
    }
    yield `],"processes":${q(processes)},"warnings":null}`;
  }
  yield `],"total":0,"limit":0,"offset":0,"errors":${q(errors)}}`;
}

/** Concatenates text pieces into UTF-8 chunks of about `chunkChars` characters. */
export function textChunksToStream(pieces: Iterator<string>, chunkChars = 64 * 1024): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const parts: string[] = [];
      let size = 0;
      while (size < chunkChars) {
        const next = pieces.next();
        if (next.done) break;
        parts.push(next.value);
        size += next.value.length;
      }
      if (parts.length > 0) controller.enqueue(encoder.encode(parts.join('')));
      if (size < chunkChars) controller.close();
    },
  });
}
