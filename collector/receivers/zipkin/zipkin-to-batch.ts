// Zipkin spans (https://zipkin.io/zipkin-api/#/default/post_spans, model v2) → Meshlight's
// TraceBatch, the mapping the OpenTelemetry Collector's zipkin receiver makes
// (collector-contrib pkg/translator/zipkin/zipkinv2/to_translator.go):
//   localEndpoint.serviceName   → resource service.name (spans grouped by it, then by otel.library.name)
//   kind CLIENT/SERVER/…        → SpanKind; none → the `span.kind` tag's "internal", else UNSPECIFIED
//   timestamp/duration (µs)     → start/end (ns)
//   annotations                 → events (name = value, at their timestamp)
//   tags                        → string attributes; `error` → status ERROR (its value the message
//                                  unless "true" or empty); otel.status_code/description → status;
//                                  otel.library.name/version → scope; w3c.tracestate → traceState
//   localEndpoint ip/port       → network.local.address/port
//   remoteEndpoint.serviceName  → peer.service; its ip/port → network.peer.address/port, and
//                                  server.address/port on CLIENT and PRODUCER spans (the service
//                                  graph names an uninstrumented peer from them), client.address on SERVER
//   shared (B3 single-id server half, same id as its client) → a span of its own: id derived from
//                                  the shared id, parent = the client span, `zipkin.shared` = true,
//                                  so client and server are two spans that the service graph pairs.
// The decoders (JSON v2 here, proto3 in decode-zipkin-proto.ts) produce ZipkinSpan; this is pure.
import {
  emptySpan,
  isValidSpanId,
  isValidTraceId,
  serviceNameOf,
  SpanKind,
  StatusCode,
  type Attributes,
  type ResourceSpans,
  type Span,
  type TraceBatch,
} from '../../../lib/domain/model';

export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** One span of Zipkin's v2 model, ids as lowercase hex (trace ids 16 or 32 characters). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: ZipkinKind;
  /** Epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: Array<{ timestamp: number; value: string }>;
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

const KINDS: Record<ZipkinKind, SpanKind> = {
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

const STATUS_CODES: Record<string, StatusCode> = { STATUS_CODE_UNSET: StatusCode.UNSET, STATUS_CODE_OK: StatusCode.OK, STATUS_CODE_ERROR: StatusCode.ERROR };

/**
 * The span id a shared server half gets: the shared id with its top bit flipped. Deterministic, so
 * a retried request maps to the same span, and distinct from the client's id.
 */
export function sharedServerSpanId(sharedId: string): string {
  const top = (parseInt(sharedId.slice(0, 1), 16) ^ 0x8).toString(16);
  const id = `${top}${sharedId.slice(1)}`;
  // 8000000000000000 would become the invalid all-zero id: flip the lowest bit too.
  return /^0+$/.test(id) ? '0000000000000001' : id;
}

function microsToNs(us: number | undefined): bigint {
  return us === undefined || !Number.isFinite(us) || us < 0 ? 0n : BigInt(Math.round(us)) * 1000n;
}

/** Zipkin ids are 16 or 32 hex characters; a 64-bit trace id is the low half of a 128-bit one. */
function normalizeTraceId(id: string): string {
  return id.toLowerCase().padStart(32, '0');
}

function normalizeSpanId(id: string | undefined): string {
  return id === undefined ? '' : id.toLowerCase().padStart(16, '0');
}

function toSpan(z: ZipkinSpan): { span: Span; service: string; scopeName: string; scopeVersion: string; resource: Attributes } | string {
  const traceId = normalizeTraceId(z.traceId);
  if (!isValidTraceId(traceId)) return `invalid traceId "${z.traceId}"`;
  const id = normalizeSpanId(z.id);
  if (!isValidSpanId(id)) return `invalid span id "${z.id}"`;
  let parentSpanId = z.parentId ? normalizeSpanId(z.parentId) : '';
  if (parentSpanId !== '' && !isValidSpanId(parentSpanId)) return `invalid parentId "${z.parentId}"`;
  if (parentSpanId === id) parentSpanId = '';

  const span = emptySpan();
  span.traceId = traceId;
  span.spanId = id;
  span.parentSpanId = parentSpanId;
  span.name = z.name ?? '';
  span.startNs = microsToNs(z.timestamp);
  span.endNs = span.startNs + microsToNs(z.duration);

  const tags: Record<string, string> = { ...(z.tags ?? {}) };
  const take = (key: string): string | undefined => {
    const value = tags[key];
    delete tags[key];
    return value;
  };
  span.kind = z.kind ? KINDS[z.kind] : take('span.kind') === 'internal' ? SpanKind.INTERNAL : SpanKind.UNSPECIFIED;
  span.traceState = take('w3c.tracestate') ?? '';
  const statusCode = take('otel.status_code');
  const statusDescription = take('otel.status_description');
  if (statusCode !== undefined) {
    span.statusCode = STATUS_CODES[statusCode] ?? StatusCode.UNSET;
    span.statusMessage = statusDescription ?? '';
  }
  const error = take('error');
  if (error !== undefined) {
    span.statusCode = StatusCode.ERROR;
    if (error !== '' && error !== 'true') span.statusMessage = error;
  }
  const scopeName = take('otel.library.name') ?? take('otel.scope.name') ?? '';
  const scopeVersion = take('otel.library.version') ?? take('otel.scope.version') ?? '';

  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(tags)) attributes[key] = value;
  const local = z.localEndpoint;
  if (local?.ipv4 || local?.ipv6) attributes['network.local.address'] = (local.ipv6 || local.ipv4)!;
  if (local?.port) attributes['network.local.port'] = local.port;
  const remote = z.remoteEndpoint;
  if (remote) {
    if (remote.serviceName) attributes['peer.service'] = remote.serviceName;
    const address = remote.ipv6 || remote.ipv4;
    if (address) attributes['network.peer.address'] = address;
    if (remote.port) attributes['network.peer.port'] = remote.port;
    if (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER) {
      const server = remote.serviceName || address;
      if (server && attributes['server.address'] === undefined) attributes['server.address'] = server;
      if (remote.port && attributes['server.port'] === undefined) attributes['server.port'] = remote.port;
    } else if (span.kind === SpanKind.SERVER && address && attributes['client.address'] === undefined) {
      attributes['client.address'] = address;
    }
  }
  if (z.shared && span.kind === SpanKind.SERVER) {
    span.parentSpanId = id;
    span.spanId = sharedServerSpanId(id);
    attributes['zipkin.shared'] = true;
  }
  if (z.timestamp === undefined) attributes['otel.zipkin.absentField.startTime'] = true;
  span.attributes = attributes;
  span.events = (z.annotations ?? []).map((a) => ({ timeNs: microsToNs(a.timestamp), name: a.value, attributes: {}, droppedAttributesCount: 0 }));

  const resource: Attributes = {};
  if (local?.serviceName) resource['service.name'] = local.serviceName;
  return { span, service: local?.serviceName ?? '', scopeName, scopeVersion, resource };
}

/** Zipkin spans → one TraceBatch: a resource per local service, a scope per library; bad ids rejected per span. */
export function zipkinSpansToBatch(spans: readonly ZipkinSpan[]): TraceBatch {
  const byService = new Map<string, { resourceSpans: ResourceSpans; scopes: Map<string, Span[]> }>();
  let spanCount = 0;
  let rejectedSpans = 0;
  let rejectionMessage = '';
  for (let i = 0; i < spans.length; i++) {
    const mapped = toSpan(spans[i]!);
    if (typeof mapped === 'string') {
      rejectedSpans++;
      rejectionMessage ||= `spans[${i}]: ${mapped}`;
      continue;
    }
    let group = byService.get(mapped.service);
    if (!group) {
      const resourceSpans: ResourceSpans = {
        resource: { attributes: mapped.resource, droppedAttributesCount: 0 },
        serviceName: serviceNameOf(mapped.resource),
        schemaUrl: '',
        scopeSpans: [],
      };
      byService.set(mapped.service, (group = { resourceSpans, scopes: new Map() }));
    }
    const scopeKey = `${mapped.scopeName}\u0000${mapped.scopeVersion}`;
    let list = group.scopes.get(scopeKey);
    if (!list) {
      list = [];
      group.scopes.set(scopeKey, list);
      group.resourceSpans.scopeSpans.push({ scope: { name: mapped.scopeName, version: mapped.scopeVersion, attributes: {} }, schemaUrl: '', spans: list });
    }
    list.push(mapped.span);
    spanCount++;
  }
  return { resourceSpans: [...byService.values()].map((g) => g.resourceSpans), spanCount, rejectedSpans, rejectionMessage };
}
