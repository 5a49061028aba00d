// Per-trace statistics: where the time went, per service and per operation. Self time is a span's
// duration minus the time covered by its children (the union of their intervals clipped to the
// span, so parallel children are not counted twice); a trace's self times add up to the time some
// span was doing its own work. Pure, over a TraceModel and its SpanTree.
import { StatusCode } from './model';
import type { SpanTree } from './span-tree';
import type { TraceModel } from './trace-model';

export interface TimeStats {
  service: string;
  /** '' for a per-service row. */
  operation: string;
  count: number;
  errorCount: number;
  /** Sums over the spans, ns. */
  totalNs: number;
  selfNs: number;
  maxNs: number;
}

export interface TraceStats {
  byService: TimeStats[];
  byOperation: TimeStats[];
  /** Self time per span, ns. */
  selfTime: Float64Array;
  totalSelfNs: number;
}

/** Self time of every span (placeholders have none). */
export function selfTimes(tree: SpanTree): Float64Array {
  const self = new Float64Array(tree.spanCount);
  for (let node = 0; node < tree.spanCount; node++) {
    const s = tree.start[node]!;
    const e = tree.end[node]!;
    let covered = 0;
    let reach = s; // children are sorted by start: sweep their union
    for (let c = tree.childStart[node]!; c < tree.childStart[node + 1]!; c++) {
      const child = tree.children[c]!;
      const cs = Math.max(tree.start[child]!, reach);
      const ce = Math.min(tree.end[child]!, e);
      if (ce > cs) {
        covered += ce - cs;
        reach = ce;
      }
    }
    self[node] = Math.max(0, e - s - covered);
  }
  return self;
}

export function computeTraceStats(model: TraceModel, tree: SpanTree): TraceStats {
  const selfTime = selfTimes(tree);
  const services = new Map<string, TimeStats>();
  const operations = new Map<string, TimeStats>();
  const add = (map: Map<string, TimeStats>, key: string, service: string, operation: string, span: number) => {
    let row = map.get(key);
    if (!row) map.set(key, (row = { service, operation, count: 0, errorCount: 0, totalNs: 0, selfNs: 0, maxNs: 0 }));
    const duration = model.end[span]! - model.start[span]!;
    row.count++;
    if (model.status[span] === StatusCode.ERROR) row.errorCount++;
    row.totalNs += duration;
    row.selfNs += selfTime[span]!;
    if (duration > row.maxNs) row.maxNs = duration;
  };
  let totalSelfNs = 0;
  for (let i = 0; i < model.spanCount; i++) {
    const service = model.services[model.service[i]!]!;
    const operation = model.names[model.name[i]!]!;
    add(services, service, service, '', i);
    add(operations, `${service}\u0000${operation}`, service, operation, i);
    totalSelfNs += selfTime[i]!;
  }
  const bySelf = (a: TimeStats, b: TimeStats) => b.selfNs - a.selfNs || b.totalNs - a.totalNs || a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation);
  return {
    byService: [...services.values()].sort(bySelf),
    byOperation: [...operations.values()].sort(bySelf),
    selfTime,
    totalSelfNs,
  };
}
