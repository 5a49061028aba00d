// Reads for /api/breakers and /api/lag: the current state tables and the history tables the
// collector's health monitor writes (collector/health/health-monitor.ts), plus time in queue from
// the service graph's messaging edges (broker → consumer latency = consumer start − producer start).
import type { BreakerHistoryResponse, BreakerWire, LagGroupResponse, LagHistoryResponse, LagWire } from '../contracts/health-api';
import { stateBands } from '../contracts/health-api';
import { histogramFromSql, mergeHistogram, emptyHistogram, histogramCount, percentileUs } from '../domain/service-graph/latency-histogram';
import { destinationMatches } from '../domain/lag/destination-match';
import { withTracesLagInTime, type LagSecondsSource, type TracesQueueTime } from '../domain/lag/lag-in-time';
import { layOutRateSeries, rateSeriesStep } from '../domain/breakers/rate-series';
import { getDb, type Db } from './prisma';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

interface BreakerRow {
  service: string;
  name: string;
  target: string | null;
  state: string;
  since_ms: string;
  failure_rate: number | null;
  slow_call_rate: number | null;
  calls_per_second: number | null;
  rejected_per_second: number | null;
  source: string;
  flapping: boolean;
}

function toBreaker(r: BreakerRow): BreakerWire {
  return {
    name: r.name,
    service: r.service,
    target: r.target,
    state: r.state as BreakerWire['state'],
    since: Number(r.since_ms),
    failureRate: num(r.failure_rate),
    slowCallRate: num(r.slow_call_rate),
    callsPerSecond: num(r.calls_per_second),
    rejectedPerSecond: num(r.rejected_per_second),
    source: r.source,
    flapping: r.flapping,
  };
}

const STATE_ORDER = `CASE state WHEN 'open' THEN 0 WHEN 'forced_open' THEN 1 WHEN 'suspected_open' THEN 2 WHEN 'half_open' THEN 3 ELSE 4 END`;

/** Every breaker seen since `sinceMs`, worst first. */
export async function loadBreakers(sinceMs: number, db: Db = getDb()): Promise<BreakerWire[]> {
  const { rows } = await db.pool.query<BreakerRow>(
    `SELECT service, name, target, state, since_ms, failure_rate, slow_call_rate, calls_per_second, rejected_per_second, source, flapping
     FROM breaker_status WHERE last_seen_ms >= $1 ORDER BY ${STATE_ORDER}, flapping DESC, service, name LIMIT 5000`,
    [sinceMs],
  );
  return rows.map(toBreaker);
}

/** A breaker's rates over [start, end) averaged per `stepMs` (breaker_samples), laid out on the window's grid. */
export async function loadBreakerRateSeries(service: string, name: string, start: number, end: number, stepMs: number, db: Db = getDb()): Promise<BreakerHistoryResponse['series']> {
  const { rows } = await db.pool.query<{ bucket: number; calls: number | null; rejected: number | null; failure: number | null; slow: number | null }>(
    `SELECT floor((t_ms - $3) / $5::float8)::int AS bucket, avg(calls_per_second) AS calls, avg(rejected_per_second) AS rejected,
            avg(failure_rate) AS failure, avg(slow_call_rate) AS slow
     FROM breaker_samples WHERE service = $1 AND name = $2 AND t_ms >= $3 AND t_ms < $4 GROUP BY 1 ORDER BY 1`,
    [service, name, start, end, stepMs],
  );
  return layOutRateSeries(
    rows.map((r) => ({ bucket: Number(r.bucket), callsPerSecond: num(r.calls), rejectedPerSecond: num(r.rejected), failureRate: num(r.failure), slowCallRate: num(r.slow) })),
    start,
    end,
    stepMs,
  );
}

export async function loadBreakerHistory(service: string, name: string, start: number, end: number, db: Db = getDb()): Promise<BreakerHistoryResponse> {
  const stepMs = rateSeriesStep(start, end);
  const [status, before, within, series] = await Promise.all([
    db.pool.query<BreakerRow>(
      `SELECT service, name, target, state, since_ms, failure_rate, slow_call_rate, calls_per_second, rejected_per_second, source, flapping
       FROM breaker_status WHERE service = $1 AND name = $2`,
      [service, name],
    ),
    db.pool.query<{ to_state: string }>(
      `SELECT to_state FROM breaker_transitions WHERE service = $1 AND name = $2 AND t_ms < $3 ORDER BY t_ms DESC LIMIT 1`,
      [service, name, start],
    ),
    db.pool.query<{ t_ms: string; from_state: string | null; to_state: string; source: string }>(
      `SELECT t_ms, from_state, to_state, source FROM breaker_transitions
       WHERE service = $1 AND name = $2 AND t_ms >= $3 AND t_ms <= $4 ORDER BY t_ms LIMIT 10000`,
      [service, name, start, end],
    ),
    loadBreakerRateSeries(service, name, start, end, stepMs, db),
  ]);
  const transitions = within.rows.map((r) => ({ t: Number(r.t_ms), from: r.from_state, to: r.to_state, source: r.source }));
  const breaker = status.rows[0] ? toBreaker(status.rows[0]) : null;
  return { breaker, transitions, bands: stateBands(before.rows[0]?.to_state ?? null, transitions, start, breaker ? Math.min(end, Date.now()) : end), series, stepMs, start, end };
}

interface LagRow {
  system: string;
  cluster: string;
  destination: string;
  grp: string;
  lag: number;
  lag_seconds: number | null;
  lag_seconds_source: string | null;
  status: string;
  trend: string;
  consume_rate: number | null;
  produce_rate: number | null;
  drain_seconds: number | null;
  consumers: number | null;
  partitions: Array<{ partition: string; lag: number; status: string }>;
  since_ms: string;
  updated_ms: string;
}

function toLag(r: LagRow, queue: LagGroupResponse['tracesQueueMs']): LagGroupResponse {
  // RabbitMQ's per-object endpoint counts no deliveries: its lag in time then comes from traces.
  const inTime = withTracesLagInTime(Number(r.lag), { lagSeconds: num(r.lag_seconds), lagSecondsSource: (r.lag_seconds_source as LagSecondsSource | null) ?? null }, queue);
  const wire: LagWire = {
    system: r.system as LagWire['system'],
    cluster: r.cluster,
    destination: r.destination,
    group: r.grp,
    lag: Number(r.lag),
    lagSeconds: inTime.lagSeconds,
    lagSecondsSource: inTime.lagSecondsSource,
    status: r.status as LagWire['status'],
    trend: r.trend as LagWire['trend'],
    consumeRate: num(r.consume_rate),
    produceRate: num(r.produce_rate),
    drainSeconds: num(r.drain_seconds),
    consumers: num(r.consumers),
  };
  return {
    ...wire,
    ...(r.partitions.length > 1 || r.partitions.some((p) => p.partition) ? { partitions: r.partitions } : {}),
    since: Number(r.since_ms),
    updated: Number(r.updated_ms),
    tracesQueueMs: queue,
  };
}

const STATUS_ORDER = `CASE status WHEN 'REWIND' THEN 0 WHEN 'STOP' THEN 1 WHEN 'STALL' THEN 2 WHEN 'ERR' THEN 3 WHEN 'WARN' THEN 4 ELSE 5 END`;

/**
 * Time in queue from traces over the last `windowMs`: the service graph's destination → consumer
 * edges, whose latency is the consumer's start minus the producer's start, per messaging node
 * (`<system>/<destination>`) with the consumers it feeds. A broker's queue is matched to them by
 * lib/domain/lag/destination-match.ts (same name, routing key, or a queue named after its consumer).
 */
export interface QueueTimes extends TracesQueueTime {
  node: string;
  consumers: string[];
}

/** Traces' time in queue of the last minutes (the current and previous minute rows) fills lag in time. */
const RECENT_QUEUE_MS = 2 * 60_000;

export async function loadQueueTimesFromTraces(nowMs: number, windowMs: number, db: Db = getDb()): Promise<QueueTimes[]> {
  const { rows } = await db.pool.query<{ source_name: string; target_name: string; histogram: string | null; max_us: string; recent: boolean }>(
    `SELECT source_name, target_name, histogram::text AS histogram, latency_max_us::text AS max_us, minute >= to_timestamp($2 / 1000.0) AS recent
     FROM service_graph_edge_minutes
     WHERE minute >= to_timestamp($1 / 1000.0) AND source_kind = 'messaging' AND connection_type = 'messaging'`,
    [nowMs - windowMs, nowMs - RECENT_QUEUE_MS],
  );
  // The histogram's last bucket is open (everything from ~106 s on): the largest wait seen bounds it,
  // so a message that waited minutes reads as minutes rather than as the bucket's lower bound.
  const merged = new Map<string, { histogram: number[]; recent: number[]; maxUs: number; recentMaxUs: number; consumers: Set<string> }>();
  for (const r of rows) {
    const entry = merged.get(r.source_name) ?? { histogram: emptyHistogram(), recent: emptyHistogram(), maxUs: 0, recentMaxUs: 0, consumers: new Set<string>() };
    const h = histogramFromSql(r.histogram);
    const maxUs = Number(r.max_us) || 0;
    entry.histogram = mergeHistogram(entry.histogram, h);
    entry.maxUs = Math.max(entry.maxUs, maxUs);
    if (r.recent) {
      entry.recent = mergeHistogram(entry.recent, h);
      entry.recentMaxUs = Math.max(entry.recentMaxUs, maxUs);
    }
    entry.consumers.add(r.target_name);
    merged.set(r.source_name, entry);
  }
  const out: QueueTimes[] = [];
  for (const [node, { histogram, recent, maxUs, recentMaxUs, consumers }] of merged) {
    const count = histogramCount(histogram);
    if (!count) continue;
    out.push({
      node,
      consumers: [...consumers],
      p50: (percentileUs(histogram, 0.5, maxUs || undefined) ?? 0) / 1000,
      p95: (percentileUs(histogram, 0.95, maxUs || undefined) ?? 0) / 1000,
      count,
      recentP95: histogramCount(recent) ? (percentileUs(recent, 0.95, recentMaxUs || undefined) ?? 0) / 1000 : null,
    });
  }
  return out;
}

function queueTimeFor(times: readonly QueueTimes[], system: string, destination: string): LagGroupResponse['tracesQueueMs'] {
  const t = times.find((q) => destinationMatches(q.node, system, destination, q.consumers));
  return t ? { p50: t.p50, p95: t.p95, count: t.count, recentP95: t.recentP95 } : null;
}

/** Every consumer group / queue updated since `sinceMs`, worst first, with time in queue from traces. */
export async function loadLagGroups(sinceMs: number, nowMs: number, db: Db = getDb()): Promise<LagGroupResponse[]> {
  const [{ rows }, queueTimes] = await Promise.all([
    db.pool.query<LagRow>(
      `SELECT system, cluster, destination, grp, lag, lag_seconds, lag_seconds_source, status, trend, consume_rate, produce_rate, drain_seconds, consumers, partitions, since_ms, updated_ms
       FROM lag_status WHERE updated_ms >= $1 ORDER BY ${STATUS_ORDER}, lag DESC, system, destination, grp LIMIT 5000`,
      [sinceMs],
    ),
    loadQueueTimesFromTraces(nowMs, 5 * 60_000, db),
  ]);
  return rows.map((r) => toLag(r, queueTimeFor(queueTimes, r.system, r.destination)));
}

export async function loadLagHistory(system: string, destination: string, group: string, start: number, end: number, db: Db = getDb()): Promise<LagHistoryResponse> {
  const [status, history, queueTimes] = await Promise.all([
    db.pool.query<LagRow>(
      `SELECT system, cluster, destination, grp, lag, lag_seconds, lag_seconds_source, status, trend, consume_rate, produce_rate, drain_seconds, consumers, partitions, since_ms, updated_ms
       FROM lag_status WHERE system = $1 AND destination = $2 AND grp = $3 ORDER BY updated_ms DESC LIMIT 1`,
      [system, destination, group],
    ),
    db.pool.query<{ t_ms: string; lag: number; lag_seconds: number | null; lag_seconds_source: string | null; status: string; consume_rate: number | null; produce_rate: number | null; partitions: Array<{ partition: string; lag: number }> }>(
      `SELECT t_ms, lag, lag_seconds, lag_seconds_source, status, consume_rate, produce_rate, partitions FROM lag_history
       WHERE system = $1 AND destination = $2 AND grp = $3 AND t_ms >= $4 AND t_ms <= $5 ORDER BY t_ms LIMIT 20000`,
      [system, destination, group, start, end],
    ),
    loadQueueTimesFromTraces(end, 5 * 60_000, db),
  ]);
  return {
    group: status.rows[0] ? toLag(status.rows[0], queueTimeFor(queueTimes, system, destination)) : null,
    points: history.rows.map((r) => ({
      t: Number(r.t_ms),
      lag: Number(r.lag),
      lagSeconds: num(r.lag_seconds),
      lagSecondsSource: (r.lag_seconds_source as LagSecondsSource | null) ?? null,
      status: r.status,
      consumeRate: num(r.consume_rate),
      produceRate: num(r.produce_rate),
      partitions: (r.partitions ?? []).map((p) => ({ partition: p.partition, lag: p.lag })),
    })),
    start,
    end,
  };
}
