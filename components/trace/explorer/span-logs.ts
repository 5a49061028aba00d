// A trace's log records placed on its spans, for the waterfall's markers and the span details:
// a record carrying a span id of this trace goes to that span; one without (a service that logged
// only the correlation id, or no span id) goes to the deepest span of the same service whose time
// contains the record's time, marked `inferred`. Records that fit no span are left out (the Logs
// tab still lists them). Pure (tested in span-logs.test.ts).
import type { LogEntry } from '@/lib/contracts/logs-api';
import type { PreparedTrace } from './prepared-trace';

export interface SpanLogMark {
  /** ns after the trace's baseNs (the unit of tree.start / tree.end). */
  offsetNs: number;
  entry: LogEntry;
  /** Placed by service and time, not by span id. */
  inferred: boolean;
}

/** Above this many spans, records without a span id are not placed (a scan per record). */
const MAX_SPANS_FOR_INFERENCE = 50_000;

export function logsBySpan(trace: PreparedTrace, entries: readonly LogEntry[]): Map<number, SpanLogMark[]> {
  const { model, tree } = trace;
  const bySpan = new Map<number, SpanLogMark[]>();
  let spansOfService: Map<string, number[]> | undefined;
  const add = (node: number, mark: SpanLogMark) => {
    let list = bySpan.get(node);
    if (!list) bySpan.set(node, (list = []));
    list.push(mark);
  };
  for (const entry of entries) {
    let offsetNs: number;
    try {
      offsetNs = Number(BigInt(entry.timeUnixNano) - model.baseNs);
    } catch {
      continue;
    }
    const direct = entry.spanId && (!entry.traceId || entry.traceId === model.traceId) ? trace.nodeOf.get(entry.spanId) : undefined;
    if (direct !== undefined) {
      add(direct, { offsetNs, entry, inferred: false });
      continue;
    }
    if (model.spanCount > MAX_SPANS_FOR_INFERENCE) continue;
    if (!spansOfService) {
      spansOfService = new Map();
      for (let node = 0; node < model.spanCount; node++) {
        const service = model.services[model.service[node]!]!;
        let list = spansOfService.get(service);
        if (!list) spansOfService.set(service, (list = []));
        list.push(node);
      }
    }
    let best = -1;
    for (const node of spansOfService.get(entry.service) ?? []) {
      if (tree.start[node]! <= offsetNs && offsetNs <= tree.end[node]! && (best < 0 || tree.depth[node]! > tree.depth[best]!)) best = node;
    }
    if (best >= 0) add(best, { offsetNs, entry, inferred: true });
  }
  for (const list of bySpan.values()) list.sort((a, b) => a.offsetNs - b.offsetNs);
  return bySpan;
}
