// Burrow's consumer-lag evaluation rules, for every broker Meshlight reads (Kafka partitions,
// RabbitMQ queues, NATS JetStream consumers), over a sliding window of observations.
// After linkedin/Burrow core/internal/evaluator (calculatePartitionStatus): a partition whose lag
// touched zero in the window is OK; otherwise, in this order, an offset that moved backwards is
// REWIND, a consumer gone quiet for longer than the window spans is STOP, an offset that never moved
// is STALL, and lag that never decreased (and grew) is WARN. Burrow sees every offset commit; Meshlight sees
// scrapes, so "the consumer is still there" comes from the source (consumer/member count, last
// activity) instead of from commits: a present consumer whose offset does not move is STALL, an
// absent one (or one idle for longer than the window) is STOP.
// Pure: observations in, status out; the clock is an argument.
import { lagInTimeFromRates, type LagSecondsSource } from './lag-in-time';

export type PartitionStatus = 'OK' | 'WARN' | 'STOP' | 'STALL' | 'REWIND';
/** Group status: Burrow's OK/WARN/ERR plus the partition detail that made it ERR. */
export type LagStatus = 'OK' | 'WARN' | 'ERR' | 'STOP' | 'STALL' | 'REWIND';
export type LagTrend = 'growing' | 'steady' | 'draining';

export interface LagObservation {
  /** When it was observed, Unix ms. */
  t: number;
  /** Messages behind: Kafka lag, RabbitMQ ready (+ unacked), NATS num_pending (+ ack pending). */
  lag: number;
  /**
   * Cumulative position of the consumer (Kafka committed offset, RabbitMQ delivered/acked total,
   * NATS ack floor stream sequence); undefined when the source has none.
   */
  consumed?: number;
  /** Cumulative position of the producers (Kafka high-water mark, published total, stream last seq). */
  produced?: number;
  /** Consumers attached (group members, queue consumers); undefined when unknown. */
  consumers?: number;
  /** Last time the consumer was seen active (NATS last_active), Unix ms. */
  lastActiveMs?: number;
}

export const SEVERITY: Record<LagStatus, number> = { OK: 0, WARN: 1, ERR: 2, STALL: 3, STOP: 4, REWIND: 5 };

/** Burrow's per-partition rule set over a window (oldest first). */
/** Readings after a catch-up (lag zero) before a new backlog is judged. */
export const RECENT_READINGS = 3;

export function evaluatePartition(window: readonly LagObservation[], nowMs: number): PartitionStatus {
  if (window.length === 0) return 'OK';
  const last = window[window.length - 1]!;
  if (last.lag <= 0) return 'OK';
  // Nobody is attached to consume what waits: stopped, however recently the lag was zero.
  if (last.consumers === 0) return 'STOP';
  // Burrow: lag that touched zero in the window is OK. Scrapes are sparser than Burrow's offset
  // commits, so the window that counts starts after the last time the consumer was caught up, and
  // a catch-up in the last RECENT_READINGS readings is OK; a backlog that built since is judged on its own.
  let lastZero = -1;
  for (let i = window.length - 1; i >= 0; i--) if (window[i]!.lag <= 0) {
    lastZero = i;
    break;
  }
  if (lastZero >= 0) {
    if (window.length - 1 - lastZero < RECENT_READINGS) return 'OK';
    window = window.slice(lastZero + 1);
  }
  const first = window[0]!;
  const positions = window.map((o) => o.consumed).filter((c): c is number => c !== undefined);
  for (let i = 1; i < positions.length; i++) if (positions[i]! < positions[i - 1]!) return 'REWIND';
  const span = last.t - first.t;
  if (last.lastActiveMs !== undefined && window.length > 1 && nowMs - last.lastActiveMs > span) return 'STOP';
  // Burrow: (now - last commit) > (last commit - first commit). With scrapes, the last "commit" is
  // the last time the position moved.
  if (positions.length === window.length && window.length > 1) {
    let lastMoveT = first.t;
    for (let i = 1; i < window.length; i++) if (positions[i] !== positions[i - 1]) lastMoveT = window[i]!.t;
    const moved = lastMoveT !== first.t;
    if (!moved) return last.consumers === undefined && nowMs - last.t > span ? 'STOP' : 'STALL';
  }
  if (window.length > 1) {
    let decreased = false;
    for (let i = 1; i < window.length; i++) if (window[i]!.lag < window[i - 1]!.lag) decreased = true;
    // Burrow warns on lag that never decreased; scrapes see a constant in-flight lag (the message a
    // prefetch-1 consumer holds unacked, read at every scrape) that never decreases either, so the
    // lag must also have grown across the window.
    if (!decreased && last.lag > first.lag) return 'WARN';
  }
  return 'OK';
}

/** Burrow's group status from its partitions: the worst one, with STOP/STALL/REWIND named. */
export function groupStatus(partitions: readonly PartitionStatus[]): LagStatus {
  let worst: LagStatus = 'OK';
  for (const p of partitions) if (SEVERITY[p] > SEVERITY[worst]) worst = p;
  return worst;
}

/** ERR-class statuses (Burrow's ERR): the group is not keeping up at all. */
export function isError(status: LagStatus): boolean {
  return SEVERITY[status] >= SEVERITY.ERR;
}

/**
 * How much a cumulative position grew over the window (resets count as restarts from 0), between
 * its first and last observations that have it; undefined with fewer than two.
 */
export function counterIncrease(window: readonly LagObservation[], pick: (o: LagObservation) => number | undefined): { total: number; first: LagObservation; last: LagObservation } | undefined {
  let total = 0;
  let prev: number | undefined;
  let first: LagObservation | undefined;
  let last: LagObservation | undefined;
  for (const o of window) {
    const v = pick(o);
    if (v === undefined) continue;
    if (prev !== undefined) total += v >= prev ? v - prev : v;
    else first = o;
    prev = v;
    last = o;
  }
  if (!first || !last || last.t <= first.t) return undefined;
  return { total, first, last };
}

/** Per-second rate of a cumulative position over the window (resets count as restarts from 0). */
export function counterRate(window: readonly LagObservation[], pick: (o: LagObservation) => number | undefined): number | undefined {
  const inc = counterIncrease(window, pick);
  return inc ? inc.total / ((inc.last.t - inc.first.t) / 1000) : undefined;
}

/**
 * Consumption when only publishes are counted, by a queue's own accounting: what was published
 * less what the backlog grew by, between the same two readings (never a least-squares slope, whose
 * noise would invent consumption for a queue nobody reads).
 */
export function consumedFromPublished(window: readonly LagObservation[]): number | undefined {
  const inc = counterIncrease(window, (o) => o.produced);
  if (!inc) return undefined;
  return Math.max(0, inc.total - (inc.last.lag - inc.first.lag)) / ((inc.last.t - inc.first.t) / 1000);
}

/** Least-squares slope of lag in messages per second. */
export function lagSlope(window: readonly LagObservation[]): number {
  const n = window.length;
  if (n < 2) return 0;
  const t0 = window[0]!.t;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const o of window) {
    const x = (o.t - t0) / 1000;
    sx += x;
    sy += o.lag;
    sxx += x * x;
    sxy += x * o.lag;
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? 0 : (n * sxy - sx * sy) / d;
}

/**
 * Growing or draining when the lag moves by more than 5 % of its mean (or one message) per minute
 * across the window; steady otherwise.
 */
export function lagTrend(window: readonly LagObservation[]): LagTrend {
  if (window.length < 2) return 'steady';
  const slopePerMin = lagSlope(window) * 60;
  const mean = window.reduce((s, o) => s + o.lag, 0) / window.length;
  const threshold = Math.max(1, mean * 0.05);
  if (slopePerMin > threshold) return 'growing';
  if (slopePerMin < -threshold) return 'draining';
  return 'steady';
}

export interface LagAssessment {
  status: LagStatus;
  partitionStatuses: PartitionStatus[];
  lag: number;
  trend: LagTrend;
  /** Messages/s consumed and produced over the window (undefined when not measurable). */
  consumeRate: number | undefined;
  produceRate: number | undefined;
  /** Time to drain at the current net rate; null when the lag is not shrinking; 0 when none. */
  drainSeconds: number | null;
  /** Lag expressed in time: how long the consumer needs for what is waiting at its consume rate. */
  lagSeconds: number | null;
  /** How lagSeconds was worked out (lag-in-time.ts); null when the broker's figures cannot say. */
  lagSecondsSource: LagSecondsSource | null;
}

/**
 * Assesses one group/queue from the windows of its partitions (a queue is one partition).
 * Rates add up across partitions; the status is the worst partition's.
 */
export function assessGroup(partitionWindows: readonly (readonly LagObservation[])[], nowMs: number): LagAssessment {
  const partitionStatuses = partitionWindows.map((w) => evaluatePartition(w, nowMs));
  const lag = partitionWindows.reduce((s, w) => s + (w.length ? w[w.length - 1]!.lag : 0), 0);
  // The group's lag series: the sum per observation index, aligned from the end.
  const len = Math.max(0, ...partitionWindows.map((w) => w.length));
  const summed: LagObservation[] = [];
  for (let i = 0; i < len; i++) {
    let l = 0;
    let t = 0;
    for (const w of partitionWindows) {
      const o = w[w.length - len + i];
      if (o) {
        l += o.lag;
        t = Math.max(t, o.t);
      }
    }
    summed.push({ t, lag: l });
  }
  const sumRates = (pick: (o: LagObservation) => number | undefined) => {
    let any = false;
    let total = 0;
    for (const w of partitionWindows) {
      const r = counterRate(w, pick);
      if (r !== undefined) {
        any = true;
        total += r;
      }
    }
    return any ? total : undefined;
  };
  const measuredConsumeRate = sumRates((o) => o.consumed);
  let consumeRate = measuredConsumeRate;
  let produceRate = sumRates((o) => o.produced);
  const slope = lagSlope(summed);
  // Without a producer position, production is what was consumed plus the lag's growth; without a
  // consumer position, consumption is what was published less what the backlog grew by.
  let derivedConsumeRate: number | undefined;
  if (produceRate === undefined && consumeRate !== undefined) produceRate = Math.max(0, consumeRate + slope);
  else if (consumeRate === undefined && produceRate !== undefined) {
    let any = false;
    let total = 0;
    for (const w of partitionWindows) {
      const r = consumedFromPublished(w);
      if (r !== undefined) {
        any = true;
        total += r;
      }
    }
    if (any) consumeRate = derivedConsumeRate = total;
  }
  const netDrain = consumeRate !== undefined && produceRate !== undefined ? consumeRate - produceRate : -slope;
  const drainSeconds = lag <= 0 ? 0 : netDrain > 1e-9 ? lag / netDrain : null;
  const { lagSeconds, lagSecondsSource } = lagInTimeFromRates(lag, measuredConsumeRate, derivedConsumeRate);
  return {
    status: groupStatus(partitionStatuses),
    partitionStatuses,
    lag,
    trend: lagTrend(summed),
    consumeRate,
    produceRate,
    drainSeconds,
    lagSeconds,
    lagSecondsSource,
  };
}
