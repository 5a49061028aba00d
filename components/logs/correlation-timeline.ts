// Pure layout of the correlation timeline: one lane per service; a trace is a bar from its start
// over its duration, a log a tick at its time; positions are fractions of the overall window.
import type { CorrelationView } from '@/lib/contracts/logs-api';

export interface TimelineLane {
  service: string;
  bars: Array<{ traceId: string; left: number; width: number; error: boolean; label: string }>;
  ticks: Array<{ index: number; left: number; severity: string }>;
}

export interface Timeline {
  startNs: bigint;
  endNs: bigint;
  lanes: TimelineLane[];
}

export function correlationTimeline(view: CorrelationView): Timeline | undefined {
  const times: bigint[] = [];
  for (const t of view.traces) {
    if (t.startNs === '0') continue;
    times.push(BigInt(t.startNs), BigInt(t.startNs) + BigInt(t.durationNs));
  }
  for (const log of view.logs) times.push(BigInt(log.timeUnixNano));
  if (times.length === 0) return undefined;
  let startNs = times[0]!;
  let endNs = times[0]!;
  for (const t of times) {
    if (t < startNs) startNs = t;
    if (t > endNs) endNs = t;
  }
  const span = endNs > startNs ? Number(endNs - startNs) : 1;
  const at = (ns: bigint) => Number(ns - startNs) / span;
  const lanes = new Map<string, TimelineLane>();
  const lane = (service: string) => {
    let found = lanes.get(service);
    if (!found) lanes.set(service, (found = { service, bars: [], ticks: [] }));
    return found;
  };
  for (const t of view.traces) {
    if (t.startNs === '0') continue;
    const start = BigInt(t.startNs);
    lane(t.rootService || 'trace').bars.push({
      traceId: t.traceId,
      left: at(start),
      width: Number(BigInt(t.durationNs)) / span,
      error: t.errorCount > 0,
      label: `${t.rootName} · ${t.spanCount} spans`,
    });
  }
  view.logs.forEach((log, index) => lane(log.service).ticks.push({ index, left: at(BigInt(log.timeUnixNano)), severity: log.severity }));
  return { startNs, endNs, lanes: [...lanes.values()] };
}
