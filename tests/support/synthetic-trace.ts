// Deterministic synthetic traces for query-side tests and benchmarks: a tree of `spanCount` spans
// over a handful of services, with realistic attribute sets, some events, links and errors.
import { createHash } from 'node:crypto';
import { SpanKind, StatusCode, type Attributes, type Nanos } from '../../lib/domain/model';
import type { Trace, TraceResource, TraceScope, TraceSpan } from '../../lib/domain/trace';

/** A small seeded PRNG (mulberry32) so every run builds the same trace. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexId(seed: string, bytes: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, bytes * 2);
}

export function storageId(canonical: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest().readBigInt64BE(0).toString();
}

export function makeResource(serviceName: string, extra: Attributes = {}): TraceResource {
  const attributes: Attributes = {
    'service.name': serviceName,
    'service.version': '1.4.2',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.12.1',
    'host.name': `${serviceName}-7d9f8`,
    ...extra,
  };
  return { id: storageId({ a: attributes }), serviceName, attributes, droppedAttributesCount: 0, schemaUrl: '' };
}

export function makeScope(name: string, version: string): TraceScope {
  return { id: storageId({ n: name, v: version }), name, version, attributes: {} };
}

export interface SyntheticTraceOptions {
  traceId?: string;
  spanCount: number;
  /** Root span start, Unix ns. */
  startNs: Nanos;
  seed?: number;
}

const SERVICES = ['frontend', 'checkout', 'cart', 'payments', 'inventory'];
const ROUTES = ['/api/cart', '/api/checkout', '/api/items/{id}', '/api/pay', '/healthz'];

export function makeSyntheticTrace(options: SyntheticTraceOptions): Trace {
  const random = prng(options.seed ?? 42);
  const traceId = options.traceId ?? hexId(`trace-${options.seed ?? 42}`, 16);
  const resources = SERVICES.map((name) => makeResource(name, { 'deployment.environment': 'bench' }));
  const scopes = [makeScope('@opentelemetry/instrumentation-http', '0.57.0'), makeScope('app', '')];
  const spans: TraceSpan[] = [];
  const totalNs = 2_000_000_000n; // the root lasts 2 s
  for (let i = 0; i < options.spanCount; i++) {
    const parent = i === 0 ? undefined : spans[Math.floor(random() * Math.min(i, 200)) + Math.max(0, i - 200)];
    const resource = i === 0 ? resources[0]! : resources[Math.floor(random() * resources.length)]!;
    const scope = scopes[i % 2]!;
    const parentStart = parent ? parent.startNs : options.startNs;
    const parentDuration = parent ? parent.endNs - parent.startNs : totalNs;
    const offset = BigInt(Math.floor(random() * Number(parentDuration) * 0.5));
    const startNs = parentStart + offset;
    const durationNs = i === 0 ? totalNs : BigInt(Math.floor(random() * Number(parentDuration - offset))) + 1000n;
    const isError = random() < 0.02;
    const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
    const attributes: Attributes = {
      'http.request.method': random() < 0.7 ? 'GET' : 'POST',
      'http.route': route,
      'http.response.status_code': isError ? 500 : 200,
      'url.path': route.replace('{id}', String(Math.floor(random() * 1000))),
      'server.address': `${resource.serviceName}.svc.cluster.local`,
      'server.port': 8080,
      'network.protocol.version': '1.1',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) meshlight-bench',
      'app.cart.items': Math.floor(random() * 12),
      'app.feature_flag.enabled': random() < 0.5,
      'app.ratio': Math.round(random() * 1000) / 1000 + 0.0001,
    };
    const span: TraceSpan = {
      traceId,
      spanId: hexId(`${traceId}-span-${i}`, 8),
      parentSpanId: parent ? parent.spanId : '',
      traceState: '',
      flags: 1,
      name: i === 0 ? 'GET /api/checkout' : `${attributes['http.request.method']} ${route}`,
      kind: i === 0 ? SpanKind.SERVER : i % 3 === 0 ? SpanKind.CLIENT : i % 3 === 1 ? SpanKind.SERVER : SpanKind.INTERNAL,
      startNs,
      endNs: startNs + durationNs,
      attributes,
      droppedAttributesCount: 0,
      events:
        random() < 0.2
          ? [
              {
                timeNs: startNs + durationNs / 2n,
                name: isError ? 'exception' : 'cache.miss',
                attributes: isError
                  ? { 'exception.type': 'Error', 'exception.message': 'upstream timed out' }
                  : { 'cache.key': `item:${i}` },
                droppedAttributesCount: 0,
              },
            ]
          : [],
      droppedEventsCount: 0,
      links: i > 0 && random() < 0.01 ? [link(hexId(`other-${i}`, 16), hexId(`other-span-${i}`, 8))] : [],
      droppedLinksCount: 0,
      statusCode: isError ? StatusCode.ERROR : StatusCode.UNSET,
      statusMessage: isError ? 'upstream timed out' : '',
      resource,
      scope,
    };
    spans.push(span);
  }
  return { traceId, spans };
}

function link(traceId: string, spanId: string) {
  return { traceId, spanId, traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 };
}
