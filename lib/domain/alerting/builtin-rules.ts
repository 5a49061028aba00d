// Built-in alert rules a user switches on without writing PromQL. Each turns the signals' current
// readings into expression-like results (label set + value) that go through the same state machine
// (state-machine.ts) as a rules file's alerts, so `for`, keep_firing_for and resolution behave alike.
//
// - breaker-open: a circuit breaker that is not closed (open, forced_open, half_open, suspected_open).
// - lag-warn: a consumer group / queue whose Burrow status is WARN or worse.
// - error-rate-jump / latency-jump: a service's recent error rate or p95 against its own baseline,
//   from the RED rollups: recent = the last 45 s, from what the per-minute rows grew by between
//   evaluations (the collector adds to the current minute every 2 s), or the current and previous
//   minutes until the evaluator has watched that long; baseline = the per-minute *median* over the
//   30 minutes before (a median, so an earlier incident inside the baseline does not raise the
//   bar). Error rate fires at ≥ max(5 %, 3 × baseline) with ≥ 20 calls; p95 at ≥ 2 × baseline and
//   ≥ 100 ms with ≥ 10 calls. A 45 s window resolves these alerts within about a minute of healing;
//   the alert's recorded end is earlier, the end of the last slice between two evaluations that was
//   bad by itself (`heldUntilMs`), within an evaluation interval of the healing.
//   Meshlight's own self-traces are not watched (RED_JUMP.ignoredServices).
// - new-log-error: an error type in logs not seen in the previous hour (needs a LogErrorSource).
import { percentileUs } from '../service-graph/latency-histogram';
import type { RedMinute, SignalSources } from './signals';
import type { ResultSample, RuleTiming } from './state-machine';

export type BuiltinRuleId = 'builtin:breaker-open' | 'builtin:lag-warn' | 'builtin:error-rate-jump' | 'builtin:latency-jump' | 'builtin:new-log-error';

export interface BuiltinRule extends RuleTiming {
  id: BuiltinRuleId;
  description: string;
  /** Enabled when first stored (users toggle it afterwards). */
  enabledByDefault: boolean;
  evaluate(sources: SignalSources, nowMs: number): Promise<BuiltinResult>;
}

export interface BuiltinResult {
  samples: ResultSample[];
  /** Set when the rule cannot be evaluated (its signal is absent). */
  unavailable?: string;
}

export const RED_JUMP = {
  recentMinutes: 2,
  /** Sliding window of the delta-based recent measure. */
  recentWindowMs: 45_000,
  baselineMinutes: 30,
  errorRateFloor: 0.05,
  errorRateFactor: 3,
  minErrorCalls: 20,
  p95Factor: 2,
  p95FloorMs: 100,
  minLatencyCalls: 10,
  /** Baseline minutes with fewer calls are ignored. */
  minBaselineMinuteCalls: 5,
  /**
   * Meshlight's own service (its sampled self-traces, collector/self-tracing.ts): a handful of
   * spans a minute whose p95 is noise, and Meshlight slowing under its own load is not the watched
   * fleet's incident (seen in the demo on the embedded database: a LatencyJump of `meshlight` as an
   * incident of its own). A rules file can still alert on it.
   */
  ignoredServices: ['meshlight'] as readonly string[],
} as const;

const OPEN_STATES = new Set(['open', 'forced_open', 'half_open', 'suspected_open']);
const LAG_SEVERITY: Record<string, number> = { OK: 0, WARN: 1, ERR: 2, STALL: 3, STOP: 4, REWIND: 5 };

export const BUILTIN_RULES: readonly BuiltinRule[] = [
  {
    id: 'builtin:breaker-open',
    name: 'CircuitBreakerOpen',
    description: 'A circuit breaker is open, half-open or suspected open.',
    forMs: 0,
    keepFiringForMs: 30_000,
    labels: { severity: 'critical', signal: 'breaker' },
    annotations: { summary: 'Breaker {{ $labels.breaker }} in {{ $labels.service }} is open or half-open' },
    enabledByDefault: true,
    async evaluate(sources, nowMs) {
      const breakers = await sources.health.breakers(nowMs);
      return {
        samples: breakers
          .filter((b) => OPEN_STATES.has(b.state))
          // `state` is not a label (an open → half_open → open cycle is one alert); it goes in annotations via value.
          .map((b) => ({ labels: { service: b.service, breaker: b.name, ...(b.target ? { target: b.target } : {}) }, value: b.state === 'half_open' ? 0.5 : 1 })),
      };
    },
  },
  {
    id: 'builtin:lag-warn',
    name: 'ConsumerLag',
    description: 'A consumer group or queue is at Burrow status WARN or worse.',
    forMs: 0,
    keepFiringForMs: 30_000,
    labels: { severity: 'warning', signal: 'lag' },
    annotations: { summary: 'Consumer {{ $labels.group }} on {{ $labels.destination }} is lagging ({{ $value }} messages)' },
    enabledByDefault: true,
    async evaluate(sources, nowMs) {
      const groups = await sources.health.lagGroups(nowMs);
      return {
        samples: groups
          .filter((g) => (LAG_SEVERITY[g.status] ?? 0) >= 1)
          .map((g) => ({ labels: { system: g.system, cluster: g.cluster, destination: g.destination, group: g.group }, value: g.lag })),
      };
    },
  },
  {
    id: 'builtin:error-rate-jump',
    name: 'ErrorRateJump',
    description: 'A service’s error rate over the last 45 s is ≥ max(5 %, 3× its per-minute median over the 30 minutes before), with ≥ 20 calls.',
    forMs: 0,
    keepFiringForMs: 15_000,
    labels: { severity: 'critical', signal: 'error_rate' },
    annotations: { summary: 'Error rate of {{ $labels.service }} is {{ $value | humanizePercentage }}' },
    enabledByDefault: true,
    async evaluate(sources, nowMs) {
      return { samples: (await redJumps(sources, nowMs)).errorRate };
    },
  },
  {
    id: 'builtin:latency-jump',
    name: 'LatencyJump',
    description: 'A service’s p95 over the last 45 s is ≥ 2× its median p95 over the 30 minutes before and ≥ 100 ms, with ≥ 10 calls.',
    forMs: 0,
    keepFiringForMs: 15_000,
    labels: { severity: 'warning', signal: 'latency' },
    annotations: { summary: 'p95 of {{ $labels.service }} is {{ $value | humanizeDuration }}' },
    enabledByDefault: true,
    async evaluate(sources, nowMs) {
      return { samples: (await redJumps(sources, nowMs)).p95 };
    },
  },
  {
    id: 'builtin:new-log-error',
    name: 'NewLogErrorType',
    description: 'An error type appears in a service’s logs that was not logged in the hour before.',
    forMs: 0,
    keepFiringForMs: 5 * 60_000,
    labels: { severity: 'warning', signal: 'logs' },
    annotations: { summary: 'New error in {{ $labels.service }}: {{ $labels.error_type }}' },
    enabledByDefault: true,
    async evaluate(sources, nowMs) {
      if (!sources.logs) return { samples: [], unavailable: 'no logs are stored yet' };
      const found = await sources.logs.newErrorTypes(nowMs - 65 * 60_000, nowMs - 5 * 60_000, nowMs);
      return { samples: found.map((e) => ({ labels: { service: e.service, error_type: e.errorType }, value: e.count })) };
    },
  },
];

export function builtinRule(id: string): BuiltinRule | undefined {
  return BUILTIN_RULES.find((r) => r.id === id);
}

// One RED read per evaluation round serves both jump rules.
const redCache = new WeakMap<SignalSources, { nowMs: number; result: Promise<RedJumps> }>();

interface RedJumps {
  errorRate: ResultSample[];
  p95: ResultSample[];
}

const deltaTrackers = new WeakMap<SignalSources, RedDeltaTracker>();

function redJumps(sources: SignalSources, nowMs: number): Promise<RedJumps> {
  const cached = redCache.get(sources);
  if (cached && cached.nowMs === nowMs) return cached.result;
  let tracker = deltaTrackers.get(sources);
  if (!tracker) deltaTrackers.set(sources, (tracker = new RedDeltaTracker(RED_JUMP.recentWindowMs)));
  const minute = Math.floor(nowMs / 60_000) * 60_000;
  const recentStart = minute - (RED_JUMP.recentMinutes - 1) * 60_000;
  const baselineStart = recentStart - RED_JUMP.baselineMinutes * 60_000;
  const t = tracker;
  const result = sources.red.serviceMinutes(baselineStart, minute + 60_000).then((rows) => {
    const recent = t.observe(rows, nowMs);
    return detectRedJumps(rows, recentStart, recent ?? undefined, recent ? t.slices : undefined);
  });
  redCache.set(sources, { nowMs, result });
  return result;
}

export interface RedAggregate {
  calls: number;
  errors: number;
  histogram: number[];
}

/** What the rows grew by between the previous evaluation and the one at `atMs`, per service. */
export interface RedSlice {
  atMs: number;
  byService: ReadonlyMap<string, RedAggregate>;
}

/**
 * What each service's current and previous minute rows grew by between evaluations, summed over
 * the last `windowMs`: a sliding window finer than the rollups' minutes. Null until it has
 * watched for a whole window (the caller then falls back to whole minutes). `slices` are the
 * window's parts, one per evaluation, oldest first.
 */
export class RedDeltaTracker {
  private last = new Map<string, RedMinute>();
  private deltas: Array<{ atMs: number; byService: Map<string, RedAggregate> }> = [];
  private startedMs: number | null = null;

  constructor(private readonly windowMs: number) {}

  get slices(): readonly RedSlice[] {
    return this.deltas;
  }

  observe(rows: readonly RedMinute[], nowMs: number): Map<string, RedAggregate> | null {
    const live = Math.floor(nowMs / 60_000) * 60_000 - 60_000;
    const first = this.startedMs === null;
    const seen = new Map<string, RedMinute>();
    const byService = new Map<string, RedAggregate>();
    for (const r of rows) {
      if (r.minuteMs < live) continue;
      const key = `${r.service}\u0000${r.minuteMs}`;
      seen.set(key, r);
      if (first) continue;
      const prev = this.last.get(key);
      let agg = byService.get(r.service);
      if (!agg) byService.set(r.service, (agg = { calls: 0, errors: 0, histogram: new Array<number>(72).fill(0) }));
      agg.calls += Math.max(0, r.calls - (prev?.calls ?? 0));
      agg.errors += Math.max(0, r.errors - (prev?.errors ?? 0));
      r.histogram.forEach((n, i) => (agg.histogram[i] = (agg.histogram[i] ?? 0) + Math.max(0, n - (prev?.histogram[i] ?? 0))));
    }
    this.last = seen;
    if (first) {
      this.startedMs = nowMs;
      return null;
    }
    this.deltas.push({ atMs: nowMs, byService });
    this.deltas = this.deltas.filter((d) => d.atMs > nowMs - this.windowMs);
    if (nowMs - this.startedMs! < this.windowMs) return null;
    const out = new Map<string, RedAggregate>();
    for (const d of this.deltas) {
      for (const [service, a] of d.byService) {
        let agg = out.get(service);
        if (!agg) out.set(service, (agg = { calls: 0, errors: 0, histogram: new Array<number>(72).fill(0) }));
        agg.calls += a.calls;
        agg.errors += a.errors;
        a.histogram.forEach((n, i) => (agg.histogram[i] = (agg.histogram[i] ?? 0) + n));
      }
    }
    return out;
  }
}

/**
 * Pure: per service, compares the recent measure (`recent` when given, else the minutes from
 * `recentStartMs` on) with the per-minute baseline before `recentStartMs`. With the window's
 * `slices`, a jump's `heldUntilMs` is the end of the latest slice that meets the threshold by
 * itself: when the condition last held, while the window still remembers it.
 */
export function detectRedJumps(rows: readonly RedMinute[], recentStartMs: number, recent?: ReadonlyMap<string, RedAggregate>, slices?: readonly RedSlice[]): RedJumps {
  const byService = new Map<string, RedMinute[]>();
  for (const r of rows) {
    if (RED_JUMP.ignoredServices.includes(r.service)) continue;
    let list = byService.get(r.service);
    if (!list) byService.set(r.service, (list = []));
    list.push(r);
  }
  const out: RedJumps = { errorRate: [], p95: [] };
  for (const [service, minutes] of byService) {
    const baseline = minutes.filter((m) => m.minuteMs < recentStartMs && m.calls >= RED_JUMP.minBaselineMinuteCalls);
    let calls: number;
    let errors: number;
    const merged = new Array<number>(72).fill(0);
    if (recent) {
      const agg = recent.get(service);
      calls = agg?.calls ?? 0;
      errors = agg?.errors ?? 0;
      agg?.histogram.forEach((n, i) => (merged[i] = n));
    } else {
      const recentMinutes = minutes.filter((m) => m.minuteMs >= recentStartMs);
      calls = sum(recentMinutes.map((m) => m.calls));
      errors = sum(recentMinutes.map((m) => m.errors));
      for (const m of recentMinutes) m.histogram.forEach((n, i) => (merged[i] = (merged[i] ?? 0) + n));
    }
    const baseRate = median(baseline.map((m) => m.errors / m.calls)) ?? 0;
    const rateBad = (e: number, c: number) => e / c >= Math.max(RED_JUMP.errorRateFloor, RED_JUMP.errorRateFactor * baseRate);
    if (calls >= RED_JUMP.minErrorCalls && rateBad(errors, calls)) {
      out.errorRate.push(held({ labels: { service }, value: errors / calls }, slices, service, (a) => a.calls > 0 && rateBad(a.errors, a.calls)));
    }
    if (calls >= RED_JUMP.minLatencyCalls && baseline.length > 0) {
      const p95 = quantileSeconds(merged, 0.95);
      const baseP95 = median(baseline.map((m) => quantileSeconds(m.histogram, 0.95)).filter((v): v is number => v !== undefined));
      const slow = (v: number | undefined): v is number => v !== undefined && baseP95 !== undefined && v >= RED_JUMP.p95Factor * baseP95 && v * 1000 >= RED_JUMP.p95FloorMs;
      if (slow(p95)) out.p95.push(held({ labels: { service }, value: p95 }, slices, service, (a) => a.calls > 0 && slow(quantileSeconds(a.histogram, 0.95))));
    }
  }
  return out;
}

/** The sample with `heldUntilMs`: the end of the latest slice that is bad by itself (none: the evaluation's time). */
function held(sample: ResultSample, slices: readonly RedSlice[] | undefined, service: string, bad: (a: RedAggregate) => boolean): ResultSample {
  if (!slices) return sample;
  for (let i = slices.length - 1; i >= 0; i--) {
    const a = slices[i]!.byService.get(service);
    if (a && bad(a)) return i === slices.length - 1 ? sample : { ...sample, heldUntilMs: slices[i]!.atMs };
  }
  return sample;
}

function sum(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function quantileSeconds(histogram: readonly number[], q: number): number | undefined {
  const us = percentileUs(histogram, q);
  return us === undefined ? undefined : us / 1e6;
}
