// The collector's view of circuit breakers and broker lag. Fed by every scrape (and OTLP metrics
// batch) with its samples, by NATS `/jsz` scrapes, and by every accepted trace batch (spans carrying
// `circuit.state`), it keeps the pure trackers of lib/domain/breakers and lib/domain/lag, writes the
// current state, transitions and lag history to PostgreSQL every `flushIntervalMs`, and pushes
// state changes to live clients at once. The trackers are per-process state behind small classes,
// so several collector replicas can later share them through the database instead.
import { SpanKind, StatusCode, type Attributes, type TraceBatch } from '../../lib/domain/model';
import { BreakerTracker, type BreakerReading, type BreakerSnapshot, type BreakerTransition } from '../../lib/domain/breakers/model';
import { sampleDue } from '../../lib/domain/breakers/rate-series';
import { breakerReadingFromSpan, breakerReadingsFromSamples, isBreakerMetricName, suspectOpenBreaker } from '../../lib/domain/breakers/sources';
import { assessGroup, type LagAssessment, type LagStatus } from '../../lib/domain/lag/burrow';
import { LagWindows } from '../../lib/domain/lag/lag-windows';
import { groupKey, isLagMetricName, lagReadingsFromSamples, natsJszReadings, readingKey, type LagReading } from '../../lib/domain/lag/sources';
import type { InstantSample } from '../../lib/domain/metrics/types';
import type { LiveMessage } from '../../lib/contracts/live-messages';
import { cleanText } from '../../lib/otlp/clean-text';
import type { SqlExecutor } from '../store/sql-executor';

export interface HealthMonitorOptions {
  flushIntervalMs: number;
  now?: () => number;
}

interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

interface Broadcaster {
  broadcast(message: LiveMessage): void;
}

export interface LagGroupState extends LagAssessment {
  system: LagReading['system'];
  cluster: string;
  destination: string;
  group: string;
  consumers: number | null;
  partitions: Array<{ partition: string; lag: number; status: string }>;
  since: number;
  updated: number;
}

const PEER_KEYS = ['peer.service', 'service.peer.name', 'server.address', 'net.peer.name'] as const;

/** The peer a client span called: the first peer attribute that names one (no allocation: every span passes here). */
function peerOf(a: Attributes): string | undefined {
  for (const k of PEER_KEYS) {
    const v = a[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** Metric names whose readsMetric() decision is remembered (then forgotten all at once). */
const METRIC_NAMES_REMEMBERED = 10_000;

/** Inference from traces: client calls per (service, peer) in windows of this length. */
const SUSPECT_WINDOW_MS = 10_000;
/** A failed client call this short never reached the network: a breaker (or a pool) refused it. */
const FAST_FAILURE_NS = 2_000_000n;

export class HealthMonitor {
  private readonly breakers = new BreakerTracker();
  private readonly lagWindows = new LagWindows();
  /** Partition keys of each group, and each group's last assessment. */
  private readonly groups = new Map<string, { first: LagReading; partitions: Map<string, string | null>; state?: LagGroupState }>();
  private pendingTransitions: Array<BreakerTransition & { snapshot: BreakerSnapshot }> = [];
  /** Client calls per `service\0peer` in the current inference window. */
  private edgeWindow = new Map<string, { calls: number; fastFailures: number }>();
  private edgeWindowStart = 0;
  private dirtyBreakers = new Set<string>();
  /** The last rate sample written per breaker (breaker_samples: the sparklines' series). */
  private readonly lastSample = new Map<string, { t: number; state: string }>();
  private dirtyGroups = new Set<string>();
  /** readsMetric()'s decisions by metric name. */
  private readonly metricNames = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  readonly counters = { readings: 0, flushes: 0, flushFailures: 0 };

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: HealthMonitorOptions,
    private readonly log: Logger,
    private readonly hub?: Broadcaster,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), this.options.flushIntervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => {});
  }

  /** One scrape's (or metrics batch's) latest samples at time `t` (Unix ms). */
  observeSamples(samples: readonly InstantSample[], t: number): void {
    // The readers ignore every metric but their own: only those samples reach them.
    const read = samples.filter((s) => this.readsMetric(s.labels.__name__ ?? ''));
    if (read.length === 0) return;
    for (const r of breakerReadingsFromSamples(read, t)) this.observeBreaker(r);
    const lag = lagReadingsFromSamples(read, t);
    if (lag.length) this.observeLag(lag, t);
  }

  /**
   * Whether the breaker or lag readers read samples of this metric. Decided once per name (a name
   * set and a few regexes) and remembered: a metrics batch asks for each of its series.
   */
  readsMetric(name: string): boolean {
    let reads = this.metricNames.get(name);
    if (reads === undefined) {
      if (this.metricNames.size >= METRIC_NAMES_REMEMBERED) this.metricNames.clear();
      reads = isBreakerMetricName(name) || isLagMetricName(name);
      this.metricNames.set(name, reads);
    }
    return reads;
  }

  /** A NATS monitoring endpoint's `/jsz?consumers=true` body, scraped at `t`. Throws on a body that is not jsz. */
  observeJsz(body: unknown, t: number, cluster: string): void {
    this.observeLag(natsJszReadings(body, t, cluster), t);
  }

  /**
   * Trace batches: client spans that carry `circuit.state`, and client calls that fail fast without
   * a breaker saying so (the inference of a probably open breaker). Never throws.
   */
  observe(batch: TraceBatch): void {
    try {
      const now = this.now();
      if (now - this.edgeWindowStart >= SUSPECT_WINDOW_MS) this.closeEdgeWindow(now);
      for (const rs of batch.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            const a = span.attributes;
            if (span.kind === SpanKind.CLIENT) {
              const peer = peerOf(a);
              if (peer) {
                const key = `${rs.serviceName}\u0000${peer}`;
                const w = this.edgeWindow.get(key) ?? { calls: 0, fastFailures: 0 };
                w.calls++;
                if (span.statusCode === StatusCode.ERROR && span.endNs - span.startNs < FAST_FAILURE_NS) w.fastFailures++;
                if (this.edgeWindow.size < 10_000 || this.edgeWindow.has(key)) this.edgeWindow.set(key, w);
              }
            }
            if (a['circuit.state'] === undefined && a['circuit_breaker.state'] === undefined) continue;
            const target = peerOf(a);
            const reading = breakerReadingFromSpan({
              service: rs.serviceName,
              t: Number(span.startNs / 1_000_000n),
              attributes: a,
              ...(target ? { target } : typeof a['circuit.name'] === 'string' ? { target: a['circuit.name'] } : {}),
            });
            if (reading) this.observeBreaker(reading);
          }
        }
      }
    } catch (error) {
      this.log.warn('breaker observation failed', { error: String(error) });
    }
  }

  private closeEdgeWindow(now: number): void {
    for (const [key, w] of this.edgeWindow) {
      const [client, server] = key.split('\u0000') as [string, string];
      const suspected = suspectOpenBreaker({ client, server, t: now, calls: w.calls, errorsWithoutServer: w.fastFailures, fastErrorsWithoutServer: w.fastFailures });
      if (suspected) this.observeBreaker(suspected);
      else {
        // A suspicion clears once calls on that edge stop failing fast.
        const id = { service: client, name: `${server} (inferred)` };
        const known = this.breakers.get(id);
        if (known?.state === 'suspected_open' && w.calls > 0) this.observeBreaker({ ...id, t: now, source: 'inferred', state: 'closed', target: server });
      }
    }
    this.edgeWindow = new Map();
    this.edgeWindowStart = now;
  }

  observeBreaker(r: BreakerReading): void {
    this.counters.readings++;
    const transition = this.breakers.observe(r);
    const snapshot = this.breakers.get(r)!;
    this.dirtyBreakers.add(`${r.service}\u0000${r.name}`);
    if (transition) {
      this.pendingTransitions.push({ ...transition, snapshot });
      if (transition.from !== null) this.hub?.broadcast({ type: 'breaker-state', breaker: toBreakerWire(snapshot) });
    }
  }

  private observeLag(readings: readonly LagReading[], t: number): void {
    const touched = new Set<string>();
    for (const r of readings) {
      this.counters.readings++;
      const pk = readingKey(r);
      this.lagWindows.add(pk, r.observation);
      const gk = groupKey(r);
      let g = this.groups.get(gk);
      if (!g) this.groups.set(gk, (g = { first: r, partitions: new Map() }));
      g.partitions.set(pk, r.partition);
      touched.add(gk);
    }
    for (const gk of touched) {
      const g = this.groups.get(gk)!;
      const keys = [...g.partitions.keys()];
      const windows = keys.map((k) => this.lagWindows.get(k));
      const a = assessGroup(windows, t);
      const lastConsumers = windows.map((w) => w[w.length - 1]?.consumers).filter((c): c is number => c !== undefined);
      const previous = g.state;
      const state: LagGroupState = {
        ...a,
        system: g.first.system,
        cluster: g.first.cluster,
        destination: g.first.destination,
        group: g.first.group,
        consumers: lastConsumers.length ? Math.max(...lastConsumers) : null,
        partitions: keys.map((k, i) => ({ partition: g.partitions.get(k) ?? '', lag: windows[i]![windows[i]!.length - 1]?.lag ?? 0, status: a.partitionStatuses[i]! })),
        since: previous && previous.status === a.status ? previous.since : t,
        updated: t,
      };
      g.state = state;
      this.dirtyGroups.add(gk);
      if (!previous || previous.status !== state.status) this.hub?.broadcast({ type: 'lag-status', lag: toLagWire(state) });
    }
  }

  breakerSnapshots(): BreakerSnapshot[] {
    return this.breakers.snapshots(this.now());
  }

  lagStates(): LagGroupState[] {
    return [...this.groups.values()].map((g) => g.state).filter((s): s is LagGroupState => s !== undefined);
  }

  /** Writes what changed since the last flush; a failed flush keeps it for the next one. */
  flush(): Promise<void> {
    const now = this.now();
    if (this.edgeWindow.size && now - this.edgeWindowStart >= SUSPECT_WINDOW_MS) this.closeEdgeWindow(now);
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const transitions = this.pendingTransitions;
    const breakerKeys = this.dirtyBreakers;
    const groupKeys = this.dirtyGroups;
    if (!transitions.length && !breakerKeys.size && !groupKeys.size) return;
    this.pendingTransitions = [];
    this.dirtyBreakers = new Set();
    this.dirtyGroups = new Set();
    try {
      const breakers = [...breakerKeys].map((k) => {
        const [service, name] = k.split('\u0000') as [string, string];
        return this.breakers.get({ service, name });
      }).filter((b): b is BreakerSnapshot => b !== undefined);
      if (breakers.length) {
        await this.db.query(
          `INSERT INTO breaker_status (service, name, target, instance, state, since_ms, last_seen_ms, failure_rate, slow_call_rate, calls_per_second, rejected_per_second, source, flapping)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(service text, name text, target text, instance text, state text, since_ms bigint, last_seen_ms bigint,
             failure_rate float8, slow_call_rate float8, calls_per_second float8, rejected_per_second float8, source text, flapping boolean)
           ON CONFLICT (service, name) DO UPDATE SET target = EXCLUDED.target, instance = EXCLUDED.instance, state = EXCLUDED.state,
             since_ms = EXCLUDED.since_ms, last_seen_ms = EXCLUDED.last_seen_ms, failure_rate = EXCLUDED.failure_rate,
             slow_call_rate = EXCLUDED.slow_call_rate, calls_per_second = EXCLUDED.calls_per_second,
             rejected_per_second = EXCLUDED.rejected_per_second, source = EXCLUDED.source, flapping = EXCLUDED.flapping`,
          [JSON.stringify(breakers.map(breakerRow))],
        );
      }
      const samples = breakers.filter((b) => {
        const last = this.lastSample.get(breakerKeyOf(b));
        return sampleDue(last?.t, last?.state, b.lastSeen, b.state);
      });
      if (samples.length) {
        await this.db.query(
          `INSERT INTO breaker_samples (service, name, t_ms, state, failure_rate, slow_call_rate, calls_per_second, rejected_per_second)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(service text, name text, t_ms bigint, state text, failure_rate float8, slow_call_rate float8,
             calls_per_second float8, rejected_per_second float8)
           ON CONFLICT (service, name, t_ms) DO UPDATE SET state = EXCLUDED.state, failure_rate = EXCLUDED.failure_rate, slow_call_rate = EXCLUDED.slow_call_rate,
             calls_per_second = EXCLUDED.calls_per_second, rejected_per_second = EXCLUDED.rejected_per_second`,
          [
            JSON.stringify(
              samples.map((b) => {
                const { service, name, state, failure_rate, slow_call_rate, calls_per_second, rejected_per_second } = breakerRow(b);
                return { service, name, t_ms: b.lastSeen, state, failure_rate, slow_call_rate, calls_per_second, rejected_per_second };
              }),
            ),
          ],
        );
        for (const b of samples) this.lastSample.set(breakerKeyOf(b), { t: b.lastSeen, state: b.state });
        if (this.lastSample.size > 50_000) this.lastSample.clear();
      }
      if (transitions.length) {
        await this.db.query(
          `INSERT INTO breaker_transitions (service, name, t_ms, from_state, to_state, source, failure_rate, calls_per_second, rejected_per_second)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(service text, name text, t_ms bigint, from_state text, to_state text, source text,
             failure_rate float8, calls_per_second float8, rejected_per_second float8)
           ON CONFLICT DO NOTHING`,
          [
            JSON.stringify(
              transitions.map((t) => ({
                service: clean(t.service),
                name: clean(t.name),
                t_ms: t.t,
                from_state: t.from,
                to_state: t.to,
                source: t.source,
                failure_rate: t.snapshot.failureRate,
                calls_per_second: t.snapshot.callsPerSecond,
                rejected_per_second: t.snapshot.rejectedPerSecond,
              })),
            ),
          ],
        );
      }
      const groups = [...groupKeys].map((k) => this.groups.get(k)?.state).filter((s): s is LagGroupState => s !== undefined);
      if (groups.length) {
        const rows = JSON.stringify(groups.map(lagRow));
        await this.db.query(
          `INSERT INTO lag_status (system, cluster, destination, grp, lag, lag_seconds, status, trend, consume_rate, produce_rate, drain_seconds, consumers, partitions, since_ms, updated_ms, lag_seconds_source)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(system text, cluster text, destination text, grp text, lag float8, lag_seconds float8, status text, trend text,
             consume_rate float8, produce_rate float8, drain_seconds float8, consumers int, partitions jsonb, since_ms bigint, updated_ms bigint, lag_seconds_source text)
           ON CONFLICT (system, cluster, destination, grp) DO UPDATE SET lag = EXCLUDED.lag, lag_seconds = EXCLUDED.lag_seconds, lag_seconds_source = EXCLUDED.lag_seconds_source, status = EXCLUDED.status,
             trend = EXCLUDED.trend, consume_rate = EXCLUDED.consume_rate, produce_rate = EXCLUDED.produce_rate, drain_seconds = EXCLUDED.drain_seconds,
             consumers = EXCLUDED.consumers, partitions = EXCLUDED.partitions, since_ms = EXCLUDED.since_ms, updated_ms = EXCLUDED.updated_ms`,
          [rows],
        );
        await this.db.query(
          `INSERT INTO lag_history (system, cluster, destination, grp, t_ms, lag, lag_seconds, lag_seconds_source, status, consume_rate, produce_rate, partitions)
           SELECT system, cluster, destination, grp, updated_ms, lag, lag_seconds, lag_seconds_source, status, consume_rate, produce_rate, partitions
           FROM jsonb_to_recordset($1::jsonb) AS g(system text, cluster text, destination text, grp text, lag float8, lag_seconds float8, lag_seconds_source text, status text,
             consume_rate float8, produce_rate float8, partitions jsonb, updated_ms bigint)
           ON CONFLICT DO NOTHING`,
          [rows],
        );
      }
      this.counters.flushes++;
    } catch (error) {
      this.counters.flushFailures++;
      // Keep what failed for the next flush (newer state for the same keys wins anyway).
      this.pendingTransitions = [...transitions, ...this.pendingTransitions].slice(-10_000);
      for (const k of breakerKeys) this.dirtyBreakers.add(k);
      for (const k of groupKeys) this.dirtyGroups.add(k);
      this.log.warn('breaker/lag flush failed; will retry', { error: String(error) });
      throw error;
    }
  }

  /** Deletes history older than the cutoff (the collector's retention). */
  async applyRetention(cutoffMs: number): Promise<void> {
    await this.db.query('DELETE FROM breaker_transitions WHERE t_ms < $1', [cutoffMs]);
    await this.db.query('DELETE FROM breaker_samples WHERE t_ms < $1', [cutoffMs]);
    await this.db.query('DELETE FROM lag_history WHERE t_ms < $1', [cutoffMs]);
    await this.db.query('DELETE FROM lag_status WHERE updated_ms < $1', [cutoffMs]);
    await this.db.query('DELETE FROM breaker_status WHERE last_seen_ms < $1', [cutoffMs]);
  }
}

/** Labels and attributes come from the outside: text PostgreSQL refuses (NUL, lone surrogates) is cleaned. */
function clean(s: string | null): string | null {
  return s === null ? null : cleanText(s);
}

const breakerKeyOf = (b: { service: string; name: string }) => `${b.service}\u0000${b.name}`;

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

function breakerRow(b: BreakerSnapshot) {
  return {
    service: clean(b.service),
    name: clean(b.name),
    target: clean(b.target),
    instance: clean(b.instance),
    state: b.state,
    since_ms: b.since,
    last_seen_ms: b.lastSeen,
    failure_rate: finiteOrNull(b.failureRate),
    slow_call_rate: finiteOrNull(b.slowCallRate),
    calls_per_second: finiteOrNull(b.callsPerSecond),
    rejected_per_second: finiteOrNull(b.rejectedPerSecond),
    source: b.source,
    flapping: b.flapping,
  };
}

function lagRow(g: LagGroupState) {
  return {
    system: g.system,
    cluster: clean(g.cluster),
    destination: clean(g.destination),
    grp: clean(g.group),
    lag: g.lag,
    lag_seconds: finiteOrNull(g.lagSeconds),
    status: g.status,
    trend: g.trend,
    consume_rate: finiteOrNull(g.consumeRate ?? null),
    produce_rate: finiteOrNull(g.produceRate ?? null),
    drain_seconds: finiteOrNull(g.drainSeconds),
    consumers: g.consumers,
    partitions: g.partitions.map((p) => ({ ...p, partition: clean(p.partition) })),
    since_ms: g.since,
    updated_ms: g.updated,
    lag_seconds_source: g.lagSeconds !== null && Number.isFinite(g.lagSeconds) ? g.lagSecondsSource : null,
  };
}

export function toBreakerWire(b: BreakerSnapshot) {
  return {
    service: b.service,
    name: b.name,
    target: b.target,
    state: b.state,
    since: b.since,
    failureRate: b.failureRate,
    slowCallRate: b.slowCallRate,
    callsPerSecond: b.callsPerSecond,
    rejectedPerSecond: b.rejectedPerSecond,
    source: b.source,
    flapping: b.flapping,
  };
}

export function toLagWire(g: LagGroupState) {
  return {
    system: g.system,
    cluster: g.cluster,
    destination: g.destination,
    group: g.group,
    lag: g.lag,
    lagSeconds: g.lagSeconds,
    lagSecondsSource: g.lagSecondsSource,
    status: g.status as LagStatus,
    trend: g.trend,
    consumeRate: g.consumeRate ?? null,
    produceRate: g.produceRate ?? null,
    drainSeconds: g.drainSeconds,
    consumers: g.consumers,
  };
}
