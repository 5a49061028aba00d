// The trace explorer's in-memory trace: columns (typed arrays) instead of span objects, so a
// 100,000-span trace parses, sorts and renders without allocating an object per span. Times are
// nanosecond offsets from the trace's earliest span as float64 (exact up to 104 days), the whole
// trace keeps one bigint base. Built from the compact wire parts the UI API serves
// (CompactTracePart), merged and de-duplicated by span id. Pure.
import { StatusCode, type Nanos, type Span } from './model';

/** One part of a trace as GET /api/ui/traces/{id} serves it: columns, one entry per span. */
export interface CompactTracePart {
  traceId: string;
  /** Unix ns (decimal) that `start` and `eventTime` are offsets from. */
  baseNs: string;
  services: string[];
  names: string[];
  spanIds: string[];
  /** '' for a root span. */
  parentIds: string[];
  /** ns after baseNs. */
  start: number[];
  /** ns. */
  duration: number[];
  /** Index into `services`. */
  service: number[];
  /** Index into `names`. */
  name: number[];
  kind: number[];
  status: number[];
  /** Events as pairs: the span (index in this part) and its time in ns after baseNs. */
  eventSpan: number[];
  eventTime: number[];
  /** Spans (index in this part) that carry links to other spans. */
  linkSpan: number[];
}

export interface TraceModel {
  traceId: string;
  /** Unix ns of the earliest span. */
  baseNs: Nanos;
  spanCount: number;
  spanIds: string[];
  parentIds: string[];
  /** ns after baseNs. */
  start: Float64Array;
  end: Float64Array;
  services: string[];
  service: Int32Array;
  names: string[];
  name: Int32Array;
  kind: Uint8Array;
  status: Uint8Array;
  /** Events of span i are eventTime[eventStart[i] .. eventStart[i + 1]), ns after baseNs. */
  eventStart: Int32Array;
  eventTime: Float64Array;
  hasLinks: Uint8Array;
  /** Spans dropped because their id repeated an earlier span's (exporter retries). */
  duplicateCount: number;
  /** Span index by span id (built while de-duplicating; the tree and the views look spans up in it). */
  indexOf: ReadonlyMap<string, number>;
}

/** Merges the parts of one trace (any order) into one model; a repeated span id is kept once. */
export function modelFromParts(parts: readonly CompactTracePart[]): TraceModel {
  if (parts.length === 0) throw new Error('a trace needs at least one part');
  let baseNs: Nanos | undefined;
  for (const part of parts) {
    const base = BigInt(part.baseNs);
    if (part.spanIds.length > 0 && (baseNs === undefined || base < baseNs)) baseNs = base;
  }
  baseNs ??= BigInt(parts[0]!.baseNs);
  const total = parts.reduce((n, part) => n + part.spanIds.length, 0);
  const services: string[] = [];
  const names: string[] = [];
  const serviceIndex = new Map<string, number>();
  const nameIndex = new Map<string, number>();
  const intern = (index: Map<string, number>, list: string[], value: string) => {
    let i = index.get(value);
    if (i === undefined) {
      i = list.length;
      list.push(value);
      index.set(value, i);
    }
    return i;
  };
  const indexOf = new Map<string, number>();
  const spanIds: string[] = [];
  const parentIds: string[] = [];
  const start = new Float64Array(total);
  const end = new Float64Array(total);
  const service = new Int32Array(total);
  const name = new Int32Array(total);
  const kind = new Uint8Array(total);
  const status = new Uint8Array(total);
  const hasLinks = new Uint8Array(total);
  const events: number[][] = [];
  let count = 0;
  let duplicateCount = 0;
  for (const part of parts) {
    const shift = Number(BigInt(part.baseNs) - baseNs);
    const serviceMap = part.services.map((s) => intern(serviceIndex, services, s));
    const nameMap = part.names.map((s) => intern(nameIndex, names, s));
    const local = new Int32Array(part.spanIds.length).fill(-1);
    for (let i = 0; i < part.spanIds.length; i++) {
      const id = part.spanIds[i]!;
      if (indexOf.has(id)) {
        duplicateCount++;
        continue;
      }
      indexOf.set(id, count);
      local[i] = count;
      spanIds.push(id);
      parentIds.push(part.parentIds[i]!);
      start[count] = part.start[i]! + shift;
      end[count] = start[count]! + part.duration[i]!;
      service[count] = serviceMap[part.service[i]!]!;
      name[count] = nameMap[part.name[i]!]!;
      kind[count] = part.kind[i]!;
      status[count] = part.status[i]!;
      count++;
    }
    for (const i of part.linkSpan) if (local[i]! >= 0) hasLinks[local[i]!] = 1;
    for (let e = 0; e < part.eventSpan.length; e++) {
      const span = local[part.eventSpan[e]!]!;
      if (span < 0) continue;
      (events[span] ??= []).push(part.eventTime[e]! + shift);
    }
  }
  const eventStart = new Int32Array(count + 1);
  let eventCount = 0;
  for (let i = 0; i < count; i++) {
    eventStart[i] = eventCount;
    eventCount += events[i]?.length ?? 0;
  }
  eventStart[count] = eventCount;
  const eventTime = new Float64Array(eventCount);
  for (let i = 0; i < count; i++) events[i]?.forEach((t, k) => (eventTime[eventStart[i]! + k] = t));
  return {
    traceId: parts[0]!.traceId,
    baseNs,
    spanCount: count,
    spanIds,
    parentIds,
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    services,
    service: service.subarray(0, count),
    names,
    name: name.subarray(0, count),
    kind: kind.subarray(0, count),
    status: status.subarray(0, count),
    eventStart,
    eventTime,
    hasLinks: hasLinks.subarray(0, count),
    duplicateCount,
    indexOf,
  };
}

/** A span as uploads (compactPartFromTrace) and tests describe it: times in ns from the part's base. */
export interface SpanSketch {
  id: string;
  parent?: string;
  start: number;
  end: number;
  service?: string;
  name?: string;
  error?: boolean;
  kind?: number;
  events?: number[];
  links?: boolean;
}

/** One compact part from span sketches. */
export function partFromSketches(traceId: string, spans: readonly SpanSketch[], baseNs: Nanos): CompactTracePart {
  const services: string[] = [];
  const names: string[] = [];
  const indexes = new Map<string[], Map<string, number>>([[services, new Map()], [names, new Map()]]);
  const index = (list: string[], value: string) => {
    const map = indexes.get(list)!;
    let i = map.get(value);
    if (i === undefined) map.set(value, (i = list.push(value) - 1));
    return i;
  };
  const part: CompactTracePart = {
    traceId,
    baseNs: baseNs.toString(),
    services,
    names,
    spanIds: [],
    parentIds: [],
    start: [],
    duration: [],
    service: [],
    name: [],
    kind: [],
    status: [],
    eventSpan: [],
    eventTime: [],
    linkSpan: [],
  };
  spans.forEach((span, i) => {
    part.spanIds.push(span.id);
    part.parentIds.push(span.parent ?? '');
    part.start.push(span.start);
    part.duration.push(span.end - span.start);
    part.service.push(index(services, span.service ?? 'svc'));
    part.name.push(index(names, span.name ?? span.id));
    part.kind.push(span.kind ?? 1);
    part.status.push(span.error ? StatusCode.ERROR : StatusCode.UNSET);
    for (const t of span.events ?? []) {
      part.eventSpan.push(i);
      part.eventTime.push(t);
    }
    if (span.links) part.linkSpan.push(i);
  });
  return part;
}

export function isError(model: TraceModel, span: number): boolean {
  return model.status[span] === StatusCode.ERROR;
}

export function traceDurationNs(model: TraceModel): number {
  let max = 0;
  for (let i = 0; i < model.spanCount; i++) if (model.end[i]! > max) max = model.end[i]!;
  return max;
}

export interface ModelSummary {
  spanCount: number;
  errorCount: number;
  durationNs: number;
  /** Levels of nesting (a lone root is depth 1). */
  depth: number;
  /** Services by span count, with their errors. */
  services: { name: string; spanCount: number; errorCount: number }[];
  rootService: string;
  rootName: string;
}

/** The header facts of a trace; `root` is the span the view starts from (tree.roots[0]). */
export function summarizeModel(model: TraceModel, maxDepth: number, root: number | undefined): ModelSummary {
  const perService = model.services.map((name) => ({ name, spanCount: 0, errorCount: 0 }));
  let errorCount = 0;
  for (let i = 0; i < model.spanCount; i++) {
    const entry = perService[model.service[i]!]!;
    entry.spanCount++;
    if (model.status[i] === StatusCode.ERROR) {
      entry.errorCount++;
      errorCount++;
    }
  }
  const hasRoot = root !== undefined && root < model.spanCount;
  return {
    spanCount: model.spanCount,
    errorCount,
    durationNs: traceDurationNs(model),
    depth: model.spanCount > 0 ? maxDepth + 1 : 0,
    services: perService.filter((s) => s.spanCount > 0).sort((a, b) => b.spanCount - a.spanCount || a.name.localeCompare(b.name)),
    rootService: hasRoot ? model.services[model.service[root]!]! : '',
    rootName: hasRoot ? model.names[model.name[root]!]! : '(missing root span)',
  };
}

/**
 * Spans whose operation, service or span id contains `text` (case-insensitive), plus the
 * `extra` ids (matches the server found in attributes). Empty text matches nothing.
 */
export function matchSpans(model: TraceModel, text: string, extra: readonly string[] = []): Uint8Array {
  const matches = new Uint8Array(model.spanCount);
  const needle = text.trim().toLowerCase();
  if (needle === '') return matches;
  const nameHit = model.names.map((name) => name.toLowerCase().includes(needle));
  const serviceHit = model.services.map((name) => name.toLowerCase().includes(needle));
  for (let i = 0; i < model.spanCount; i++) {
    if (nameHit[model.name[i]!] || serviceHit[model.service[i]!] || model.spanIds[i]!.startsWith(needle)) matches[i] = 1;
  }
  if (extra.length > 0) {
    const wanted = new Set(extra);
    for (let i = 0; i < model.spanCount; i++) if (wanted.has(model.spanIds[i]!)) matches[i] = 1;
  }
  return matches;
}

/** A whole decoded trace (an uploaded file) as one compact part. */
export function compactPartFromTrace(trace: { traceId: string; spans: readonly (Span & { resource: { serviceName: string } })[] }): CompactTracePart {
  const spans = trace.spans;
  let base = spans[0]?.startNs ?? 0n;
  for (const span of spans) if (span.startNs < base) base = span.startNs;
  const sketches: SpanSketch[] = spans.map((span) => ({
    id: span.spanId,
    parent: span.parentSpanId,
    start: Number(span.startNs - base),
    end: Number(span.endNs - base),
    service: span.resource.serviceName,
    name: span.name,
    error: span.statusCode === StatusCode.ERROR,
    kind: span.kind,
    events: span.events.map((event) => Number(event.timeNs - base)),
    links: span.links.length > 0,
  }));
  return partFromSketches(trace.traceId, sketches, base);
}
