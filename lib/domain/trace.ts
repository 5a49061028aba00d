// A trace as the query side reads it back from storage: every span together with the resource
// and instrumentation scope it was reported under (shared objects, one per distinct resource or
// scope), plus the pure helpers the API and the UI both need: de-duplication by span id and the
// one-line summary of a trace (root, services, errors, duration). No I/O.
import {
  StatusCode,
  type InstrumentationScope,
  type Nanos,
  type Resource,
  type Span,
  type TraceBatch,
} from './model';

export interface TraceResource extends Resource {
  /** Storage id of the de-duplicated resource row (decimal form of its int64). */
  id: string;
  serviceName: string;
  schemaUrl: string;
}

export interface TraceScope extends InstrumentationScope {
  /** Storage id of the de-duplicated scope row (decimal form of its int64). */
  id: string;
}

export interface TraceSpan extends Span {
  resource: TraceResource;
  scope: TraceScope;
}

export interface Trace {
  /** 32 lowercase hex characters. */
  traceId: string;
  spans: TraceSpan[];
}

/**
 * Keeps the first span of each span id. OTLP exporters retry after a timeout, so the same span can
 * be stored twice; storage has no unique key on purpose (see prisma/schema.prisma) and readers
 * de-duplicate instead.
 */
export function dedupeSpans<S extends { spanId: string }>(spans: readonly S[]): S[] {
  const seen = new Set<string>();
  const unique: S[] = [];
  for (const span of spans) {
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    unique.push(span);
  }
  return unique;
}

export interface ServiceSpanCount {
  name: string;
  spanCount: number;
  errorCount: number;
}

/** What a list of traces shows per trace, computed from spans (here) or in SQL (lib/db). */
export interface TraceSummary {
  traceId: string;
  /** Name of the root span; of the earliest span when the root has not arrived (yet). */
  rootName: string;
  rootService: string;
  /** False when no span without a parent was found: the summary describes a partial trace. */
  hasRoot: boolean;
  spanCount: number;
  errorCount: number;
  /** Services in the trace, most spans first. */
  services: ServiceSpanCount[];
  startNs: Nanos;
  endNs: Nanos;
  durationNs: Nanos;
}

/** The span a trace view starts from: the earliest span without a parent, else the earliest span. */
export function findRootSpan<S extends Span>(spans: readonly S[]): S | undefined {
  let root: S | undefined;
  let earliest: S | undefined;
  for (const span of spans) {
    if (!earliest || span.startNs < earliest.startNs) earliest = span;
    if (span.parentSpanId === '' && (!root || span.startNs < root.startNs)) root = span;
  }
  return root ?? earliest;
}

export function summarizeTrace(trace: Trace): TraceSummary | undefined {
  const { spans } = trace;
  const root = findRootSpan(spans);
  if (!root) return undefined;
  let startNs = root.startNs;
  let endNs = root.endNs;
  let errorCount = 0;
  const services = new Map<string, ServiceSpanCount>();
  for (const span of spans) {
    if (span.startNs < startNs) startNs = span.startNs;
    if (span.endNs > endNs) endNs = span.endNs;
    const isError = span.statusCode === StatusCode.ERROR;
    if (isError) errorCount++;
    const name = span.resource.serviceName;
    let entry = services.get(name);
    if (!entry) services.set(name, (entry = { name, spanCount: 0, errorCount: 0 }));
    entry.spanCount++;
    if (isError) entry.errorCount++;
  }
  return {
    traceId: trace.traceId,
    rootName: root.name,
    rootService: root.resource.serviceName,
    hasRoot: root.parentSpanId === '',
    spanCount: spans.length,
    errorCount,
    services: sortServices([...services.values()]),
    startNs,
    endNs,
    durationNs: endNs - startNs,
  };
}

export function sortServices(services: ServiceSpanCount[]): ServiceSpanCount[] {
  return services.sort((a, b) => b.spanCount - a.spanCount || a.name.localeCompare(b.name));
}

/**
 * Decoded OTLP (a TraceBatch) grouped into traces, biggest first, with stand-in resource and scope
 * ids (their position in the batch): for viewing a trace file that was never stored.
 */
export function tracesFromBatch(batch: TraceBatch): Trace[] {
  const byTrace = new Map<string, TraceSpan[]>();
  batch.resourceSpans.forEach((rs, r) => {
    const resource: TraceResource = { id: `r${r}`, serviceName: rs.serviceName, schemaUrl: rs.schemaUrl, ...rs.resource };
    rs.scopeSpans.forEach((ss, s) => {
      const scope: TraceScope = { id: `r${r}s${s}`, ...ss.scope };
      for (const span of ss.spans) {
        let spans = byTrace.get(span.traceId);
        if (!spans) byTrace.set(span.traceId, (spans = []));
        spans.push({ ...span, resource, scope });
      }
    });
  });
  return [...byTrace.entries()]
    .map(([traceId, spans]) => ({ traceId, spans: dedupeSpans(spans.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))) }))
    .sort((a, b) => b.spans.length - a.spans.length);
}
