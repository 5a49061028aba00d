// One circuit-breaker model for every library Meshlight reads (resilience4j, opossum, Polly, Envoy,
// span attributes, inference from traces) and the pure state tracker over it: readings in time
// order → current state, since when, transitions, rates and flapping. The clock is the readings'
// own timestamps; nothing here reads the time.

export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled' | 'metrics_only' | 'suspected_open';
export type BreakerSource = 'resilience4j' | 'opossum' | 'polly' | 'envoy' | 'span' | 'inferred';

export interface BreakerId {
  /** The service (or job) that owns the breaker. */
  service: string;
  name: string;
}

/** Cumulative event counts a source exposes; a tracker turns their increases into rates. */
export interface BreakerCounters {
  calls?: number;
  failures?: number;
  rejected?: number;
  /** Transition events (opossum, Polly): the latest one to increase sets the state. */
  opens?: number;
  halfOpens?: number;
  closes?: number;
}

export interface BreakerReading extends BreakerId {
  /** Unix ms. */
  t: number;
  source: BreakerSource;
  /** Instance (pod, process) when the source says; breakers are tracked per service + name. */
  instance?: string;
  /** What the breaker guards: a downstream service, host or cluster, when known. */
  target?: string;
  /** The state when the source states it outright (resilience4j, Envoy, spans, inference). */
  state?: BreakerState;
  /** Percentages, 0–100; undefined when the library has too few calls to say. */
  failureRate?: number;
  slowCallRate?: number;
  counters?: BreakerCounters;
}

export interface BreakerTransition extends BreakerId {
  t: number;
  from: BreakerState | null;
  to: BreakerState;
  source: BreakerSource;
}

export interface BreakerSnapshot extends BreakerId {
  target: string | null;
  instance: string | null;
  state: BreakerState;
  /** Unix ms when the current state began (first seen, if it never changed). */
  since: number;
  lastSeen: number;
  failureRate: number | null;
  slowCallRate: number | null;
  callsPerSecond: number | null;
  rejectedPerSecond: number | null;
  source: BreakerSource;
  /** At least `flapTransitions` transitions into or out of closed within `flapWindowMs` (half-open probes do not count). */
  flapping: boolean;
}

export interface BreakerTrackerOptions {
  flapTransitions: number;
  flapWindowMs: number;
  /** A breaker not seen for this long is forgotten. */
  forgetAfterMs: number;
}

export const DEFAULT_TRACKER_OPTIONS: BreakerTrackerOptions = { flapTransitions: 6, flapWindowMs: 10 * 60_000, forgetAfterMs: 60 * 60_000 };

/** How bad a state is, higher is worse (open first). */
export const BREAKER_SEVERITY: Record<BreakerState, number> = { open: 6, forced_open: 5, suspected_open: 4, half_open: 3, metrics_only: 2, disabled: 1, closed: 0 };

/** Orders snapshots worst first: open, forced open, suspected, half-open, then the rest; flapping first among equals. */
export function bySeverity(a: BreakerSnapshot, b: BreakerSnapshot): number {
  return BREAKER_SEVERITY[b.state] - BREAKER_SEVERITY[a.state] || Number(b.flapping) - Number(a.flapping) || a.service.localeCompare(b.service) || a.name.localeCompare(b.name);
}

export function breakerKey(id: BreakerId): string {
  return `${id.service}\u0000${id.name}`;
}

interface Tracked {
  snapshot: BreakerSnapshot;
  counters: BreakerCounters | undefined;
  countersAt: number;
  recent: number[];
}

/**
 * The state of a breaker from transition-event counters: when exactly one kind of transition
 * happened since the previous reading it decides; when several did (their order is lost between
 * two scrapes), more opens than closes overall means open.
 */
export function stateFromTransitionCounters(prev: BreakerCounters | undefined, cur: BreakerCounters, previousState: BreakerState | undefined): BreakerState | undefined {
  const delta = (k: 'opens' | 'halfOpens' | 'closes') => (cur[k] ?? 0) - (prev?.[k] ?? 0);
  const first = prev === undefined;
  const opened = delta('opens') > 0;
  const halfOpened = delta('halfOpens') > 0;
  const closed = delta('closes') > 0;
  const fallback = (): BreakerState => ((cur.opens ?? 0) > (cur.closes ?? 0) ? (halfOpened && !first ? 'half_open' : 'open') : 'closed');
  if (first) return cur.opens === undefined && cur.closes === undefined ? undefined : fallback();
  const kinds = Number(opened) + Number(halfOpened) + Number(closed);
  if (kinds === 0) {
    // Rejections only happen while open: a breaker we thought half-open that rejects again reopened.
    if (previousState === 'half_open' && (cur.rejected ?? 0) > (prev?.rejected ?? 0)) return 'open';
    return previousState;
  }
  if (kinds === 1) return opened ? 'open' : halfOpened ? 'half_open' : 'closed';
  return fallback();
}

export class BreakerTracker {
  private readonly breakers = new Map<string, Tracked>();

  constructor(private readonly options: BreakerTrackerOptions = DEFAULT_TRACKER_OPTIONS) {}

  /** Applies one reading; returns the transition it caused, if any. Older readings than the last are ignored. */
  observe(r: BreakerReading): BreakerTransition | undefined {
    const key = breakerKey(r);
    const tracked = this.breakers.get(key);
    if (tracked && r.t < tracked.snapshot.lastSeen) return undefined;
    const previousState = tracked?.snapshot.state;
    let state = r.state;
    if (state === undefined && r.counters) state = stateFromTransitionCounters(tracked?.counters, r.counters, previousState);
    // A suspicion from traces never overrides what a library says; it only fills silence.
    if (state === 'suspected_open' && tracked && tracked.snapshot.source !== 'inferred' && r.t - tracked.snapshot.lastSeen < 60_000) state = previousState;
    state ??= previousState ?? 'closed';

    let callsPerSecond = tracked?.snapshot.callsPerSecond ?? null;
    let rejectedPerSecond = tracked?.snapshot.rejectedPerSecond ?? null;
    if (r.counters && tracked?.counters && r.t > tracked.countersAt) {
      const dt = (r.t - tracked.countersAt) / 1000;
      const rate = (k: 'calls' | 'rejected') => {
        const a = tracked.counters![k];
        const b = r.counters![k];
        if (a === undefined || b === undefined) return null;
        return (b >= a ? b - a : b) / dt;
      };
      callsPerSecond = rate('calls') ?? callsPerSecond;
      rejectedPerSecond = rate('rejected') ?? rejectedPerSecond;
    }

    // Libraries that only count (opossum): the failure rate of the calls let through since the
    // previous reading (rejected ones excluded), or since start on the first reading.
    let failureRate = r.failureRate;
    if (failureRate === undefined && r.counters?.failures !== undefined && r.counters.calls !== undefined) {
      const prev = tracked?.counters;
      const d = (k: 'calls' | 'failures' | 'rejected') => (r.counters![k] ?? 0) - (prev?.[k] ?? 0);
      const permitted = prev && d('calls') >= 0 ? d('calls') - d('rejected') : r.counters.calls - (r.counters.rejected ?? 0);
      const failed = prev && d('failures') >= 0 ? d('failures') : r.counters.failures;
      if (permitted > 0) failureRate = Math.min(100, (100 * failed) / permitted);
    }

    const changed = previousState !== undefined && previousState !== state;
    const recent = tracked?.recent ?? [];
    // Flapping is opening and closing again and again; open ⇄ half-open is the library probing a
    // dependency that is still down (every reset timeout), which is not flapping.
    if (changed && (previousState === 'closed') !== (state === 'closed')) {
      recent.push(r.t);
      while (recent.length && recent[0]! < r.t - this.options.flapWindowMs) recent.shift();
    }
    const snapshot: BreakerSnapshot = {
      service: r.service,
      name: r.name,
      target: r.target ?? tracked?.snapshot.target ?? null,
      instance: r.instance ?? tracked?.snapshot.instance ?? null,
      state,
      since: !tracked || changed ? r.t : tracked.snapshot.since,
      lastSeen: r.t,
      failureRate: failureRate !== undefined ? failureRate : (tracked?.snapshot.failureRate ?? null),
      slowCallRate: r.slowCallRate !== undefined ? r.slowCallRate : (tracked?.snapshot.slowCallRate ?? null),
      callsPerSecond,
      rejectedPerSecond,
      source: r.source,
      flapping: recent.filter((t) => t >= r.t - this.options.flapWindowMs).length >= this.options.flapTransitions,
    };
    this.breakers.set(key, {
      snapshot,
      counters: r.counters ?? tracked?.counters,
      countersAt: r.counters ? r.t : (tracked?.countersAt ?? r.t),
      recent,
    });
    if (!tracked) return { service: r.service, name: r.name, t: r.t, from: null, to: state, source: r.source };
    return changed ? { service: r.service, name: r.name, t: r.t, from: previousState, to: state, source: r.source } : undefined;
  }

  /** Every breaker seen within `forgetAfterMs` of `nowMs`, worst first. */
  snapshots(nowMs: number): BreakerSnapshot[] {
    const out: BreakerSnapshot[] = [];
    for (const [key, t] of this.breakers) {
      if (nowMs - t.snapshot.lastSeen > this.options.forgetAfterMs) this.breakers.delete(key);
      else out.push(t.snapshot);
    }
    return out.sort(bySeverity);
  }

  get(id: BreakerId): BreakerSnapshot | undefined {
    return this.breakers.get(breakerKey(id))?.snapshot;
  }
}
