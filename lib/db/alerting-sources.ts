// PostgreSQL implementations of the alert evaluator's read interfaces (lib/domain/alerting/signals.ts
// and red-queryable.ts), over any `query(sql, params)`: the collector's SqlExecutor or a pg pool.
// Breakers and lag come from the health monitor's current-state tables, RED from the service
// graph's per-minute rollups, new error types from the logs table.
import type { BreakerView, HealthSource, LagView, LogErrorSource, LogErrorType, RedMinute, RedSource, SignalSources } from '../domain/alerting/signals';
import type { OperationRedMinute, OperationRedSource } from '../domain/alerting/red-queryable';
import { histogramFromSql } from '../domain/service-graph/latency-histogram';

export type QueryFn = <Row>(sql: string, params?: unknown[]) => Promise<Row[]>;

/** Breakers and groups not updated for this long are forgotten (their source went away). */
const STALE_MS = 5 * 60_000;

export function pgHealthSource(query: QueryFn): HealthSource {
  return {
    async breakers(nowMs) {
      const rows = await query<{ service: string; name: string; target: string | null; state: string; since_ms: string }>(
        `SELECT service, name, target, state, since_ms FROM breaker_status WHERE last_seen_ms >= $1`,
        [nowMs - STALE_MS],
      );
      return rows.map((r): BreakerView => ({ service: r.service, name: r.name, target: r.target, state: r.state, sinceMs: Number(r.since_ms) }));
    },
    async lagGroups(nowMs) {
      const rows = await query<{ system: string; cluster: string; destination: string; grp: string; status: string; lag: number; lag_seconds: number | null }>(
        `SELECT system, cluster, destination, grp, status, lag, lag_seconds FROM lag_status WHERE updated_ms >= $1`,
        [nowMs - STALE_MS],
      );
      return rows.map((r): LagView => ({ system: r.system, cluster: r.cluster, destination: r.destination, group: r.grp, status: r.status, lag: Number(r.lag), lagSeconds: r.lag_seconds === null ? null : Number(r.lag_seconds) }));
    },
  };
}

export function pgRedSource(query: QueryFn): RedSource & OperationRedSource {
  return {
    async serviceMinutes(startMs, endMs) {
      const rows = await query<{ service_name: string; m: number; calls: number; errors: number; histogram: string | null }>(
        `SELECT service_name, (extract(epoch FROM minute) * 1000)::float8 AS m, sum(calls)::float8 AS calls, sum(errors)::float8 AS errors,
                meshlight_histogram_sum(histogram)::text AS histogram
         FROM service_red_minutes WHERE minute >= to_timestamp($1::float8 / 1000) AND minute < to_timestamp($2::float8 / 1000)
         GROUP BY service_name, minute`,
        [startMs, endMs],
      );
      return rows.map((r): RedMinute => ({ service: r.service_name, minuteMs: Number(r.m), calls: Number(r.calls), errors: Number(r.errors), histogram: histogramFromSql(r.histogram) }));
    },
    async operationMinutes(startMs, endMs, service) {
      const params: unknown[] = [startMs, endMs];
      if (service !== undefined) params.push(service);
      const rows = await query<{ service_name: string; span_name: string; m: number; calls: number; errors: number; histogram: string | null }>(
        `SELECT service_name, span_name, (extract(epoch FROM minute) * 1000)::float8 AS m, sum(calls)::float8 AS calls, sum(errors)::float8 AS errors,
                meshlight_histogram_sum(histogram)::text AS histogram
         FROM operation_red_minutes WHERE minute >= to_timestamp($1::float8 / 1000) AND minute < to_timestamp($2::float8 / 1000)
         ${service !== undefined ? 'AND service_name = $3' : ''}
         GROUP BY service_name, span_name, minute LIMIT 200000`,
        params,
      );
      return rows.map((r): OperationRedMinute => ({ service: r.service_name, operation: r.span_name, minuteMs: Number(r.m), calls: Number(r.calls), errors: Number(r.errors), histogram: histogramFromSql(r.histogram) }));
    },
  };
}

/**
 * Error-severity log records (severity ≥ ERROR) grouped by service and error type: the record's
 * `exception.type`, else its body with numbers and hex ids folded to `#` (first 80 characters).
 * A type is new when it was logged in the recent window and never in the baseline before it; a
 * service with no logs at all in the first half of the baseline is skipped (a fresh start is not
 * a flood of new errors).
 */
export function pgLogErrorSource(query: QueryFn): LogErrorSource {
  const errorType = (alias: string) =>
    `coalesce(${alias}.attributes->>'exception.type', left(regexp_replace(${alias}.body, '[0-9a-f]{8,}|[0-9]+', '#', 'gi'), 80))`;
  return {
    async newErrorTypes(baselineStartMs, recentStartMs, nowMs) {
      const ns = (ms: number) => (BigInt(Math.floor(ms)) * 1_000_000n).toString();
      const rows = await query<{ service: string; error_type: string; count: string | number | bigint; first_ns: string | number | bigint }>(
        `WITH recent AS (
           SELECT r.service_name AS service, ${errorType('r')} AS error_type, count(*) AS count, min(r.time_ns) AS first_ns
           FROM logs r WHERE r.severity_number >= 17 AND r.time_ns >= $2::bigint AND r.time_ns <= $3::bigint
           GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 200)
         SELECT recent.* FROM recent
         WHERE EXISTS (SELECT 1 FROM logs o WHERE o.service_name = recent.service AND o.time_ns >= $1::bigint AND o.time_ns < ($1::bigint + ($2::bigint - $1::bigint) / 2))
           AND NOT EXISTS (SELECT 1 FROM logs b WHERE b.service_name = recent.service AND b.severity_number >= 17
             AND b.time_ns >= $1::bigint AND b.time_ns < $2::bigint AND ${errorType('b')} = recent.error_type)`,
        [ns(baselineStartMs), ns(recentStartMs), ns(nowMs)],
      );
      return rows.map((r): LogErrorType => ({ service: r.service, errorType: r.error_type, count: Number(r.count), firstSeenMs: Number(BigInt(r.first_ns) / 1_000_000n) }));
    },
  };
}

export function pgSignalSources(query: QueryFn): SignalSources {
  return { health: pgHealthSource(query), red: pgRedSource(query), logs: pgLogErrorSource(query) };
}
