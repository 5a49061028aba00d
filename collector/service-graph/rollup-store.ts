// Writes drained per-minute rollups to PostgreSQL and deletes them for retention. One round trip
// per flush: a single statement whose three data-modifying CTEs each upsert one table from unnest()
// arrays, adding to rows already stored (a minute is flushed several times while it is current).
// Rows are sorted by primary key so that two collectors upserting overlapping rows lock them in the
// same order instead of deadlocking.
import { histogramToSql } from '../../lib/domain/service-graph/latency-histogram';
import type { EdgeDims, OperationDims, RollupRow, ServiceDims } from '../../lib/domain/service-graph/rollup';
import type { SqlExecutor } from '../store/sql-executor';

export interface DrainedRollups {
  edges: RollupRow<EdgeDims>[];
  services: RollupRow<ServiceDims>[];
  operations: RollupRow<OperationDims>[];
}

const COUNTER_COLUMNS = 'calls, errors, latency_count, latency_sum_us, latency_max_us, histogram, slow_trace_id, error_trace_id';

/** What every rollup table does with a row that is already there: add. */
const ADD_COUNTERS = (table: string) => `
  calls = ${table}.calls + EXCLUDED.calls,
  errors = ${table}.errors + EXCLUDED.errors,
  latency_count = ${table}.latency_count + EXCLUDED.latency_count,
  latency_sum_us = ${table}.latency_sum_us + EXCLUDED.latency_sum_us,
  latency_max_us = greatest(${table}.latency_max_us, EXCLUDED.latency_max_us),
  histogram = meshlight_histogram_add(${table}.histogram, EXCLUDED.histogram),
  slow_trace_id = CASE WHEN ${table}.slow_trace_id IS NULL OR EXCLUDED.latency_max_us > ${table}.latency_max_us
                       THEN coalesce(EXCLUDED.slow_trace_id, ${table}.slow_trace_id) ELSE ${table}.slow_trace_id END,
  error_trace_id = coalesce(EXCLUDED.error_trace_id, ${table}.error_trace_id)`;

/** $n placeholders for the counter arrays, starting at `first`, and how to read them in SELECT. */
function counterParams(first: number): { unnest: string; select: string } {
  const p = (i: number) => `$${first + i}`;
  return {
    unnest: `${p(0)}::bigint[], ${p(1)}::bigint[], ${p(2)}::bigint[], ${p(3)}::bigint[], ${p(4)}::bigint[], ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::text[]`,
    select: `c_calls, c_errors, c_count, c_sum, c_max, c_hist::int[], decode(nullif(c_slow, ''), 'hex'), decode(nullif(c_error, ''), 'hex')`,
  };
}
const COUNTER_ALIASES = 'c_calls, c_errors, c_count, c_sum, c_max, c_hist, c_slow, c_error';

function counterValues(rows: readonly RollupRow<unknown>[]): unknown[] {
  return [
    rows.map((r) => r.calls),
    rows.map((r) => r.errors),
    rows.map((r) => r.latencyCount),
    rows.map((r) => Math.round(r.latencySumUs)),
    rows.map((r) => Math.round(r.latencyMaxUs)),
    rows.map((r) => histogramToSql(r.histogram)),
    rows.map((r) => r.slowTraceId),
    rows.map((r) => r.errorTraceId),
  ];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKey = <T>(key: (row: T) => string) => (a: T, b: T) => compare(key(a), key(b));

export class RollupStore {
  constructor(private readonly db: SqlExecutor) {}

  async write(rollups: DrainedRollups): Promise<void> {
    const edges = [...rollups.edges].sort(
      byKey((r) => `${String(r.minuteMs).padStart(15, '0')}\u0000${r.dims.environment}\u0000${r.dims.source.kind}\u0000${r.dims.source.name}\u0000${r.dims.target.kind}\u0000${r.dims.target.name}\u0000${r.dims.connectionType}`),
    );
    const services = [...rollups.services].sort(byKey((r) => `${String(r.minuteMs).padStart(15, '0')}\u0000${r.dims.environment}\u0000${r.dims.service}`));
    const operations = [...rollups.operations].sort(
      byKey((r) => `${r.dims.service}\u0000${String(r.minuteMs).padStart(15, '0')}\u0000${r.dims.environment}\u0000${r.dims.operation}\u0000${r.dims.spanKind}`),
    );
    if (edges.length + services.length + operations.length === 0) return;

    const values: unknown[] = [];
    const push = (...more: unknown[]) => {
      const first = values.length + 1;
      values.push(...more);
      return first;
    };
    const edgeFirst = push(
      edges.map((r) => r.minuteMs),
      edges.map((r) => r.dims.environment),
      edges.map((r) => r.dims.source.kind),
      edges.map((r) => r.dims.source.name),
      edges.map((r) => r.dims.target.kind),
      edges.map((r) => r.dims.target.name),
      edges.map((r) => r.dims.connectionType),
    );
    const edgeCounters = counterParams(push(...counterValues(edges)));
    const serviceFirst = push(services.map((r) => r.minuteMs), services.map((r) => r.dims.environment), services.map((r) => r.dims.service));
    const serviceCounters = counterParams(push(...counterValues(services)));
    const operationFirst = push(
      operations.map((r) => r.minuteMs),
      operations.map((r) => r.dims.environment),
      operations.map((r) => r.dims.service),
      operations.map((r) => r.dims.operation),
      operations.map((r) => r.dims.spanKind),
    );
    const operationCounters = counterParams(push(...counterValues(operations)));
    const p = (i: number) => `$${i}`;

    await this.db.query(
      `WITH edge_rows AS (
         INSERT INTO service_graph_edge_minutes AS t
           (minute, environment, source_kind, source_name, target_kind, target_name, connection_type, ${COUNTER_COLUMNS})
         SELECT to_timestamp(m / 1000), env, sk, sn, tk, tn, ct, ${edgeCounters.select}
         FROM unnest(${p(edgeFirst)}::bigint[], ${p(edgeFirst + 1)}::text[], ${p(edgeFirst + 2)}::text[], ${p(edgeFirst + 3)}::text[],
                     ${p(edgeFirst + 4)}::text[], ${p(edgeFirst + 5)}::text[], ${p(edgeFirst + 6)}::text[], ${edgeCounters.unnest})
           AS u(m, env, sk, sn, tk, tn, ct, ${COUNTER_ALIASES})
         ON CONFLICT (minute, environment, source_kind, source_name, target_kind, target_name, connection_type)
         DO UPDATE SET ${ADD_COUNTERS('t')}
         RETURNING 1
       ), service_rows AS (
         INSERT INTO service_red_minutes AS t (minute, environment, service_name, ${COUNTER_COLUMNS})
         SELECT to_timestamp(m / 1000), env, svc, ${serviceCounters.select}
         FROM unnest(${p(serviceFirst)}::bigint[], ${p(serviceFirst + 1)}::text[], ${p(serviceFirst + 2)}::text[], ${serviceCounters.unnest})
           AS u(m, env, svc, ${COUNTER_ALIASES})
         ON CONFLICT (minute, environment, service_name) DO UPDATE SET ${ADD_COUNTERS('t')}
         RETURNING 1
       ), operation_rows AS (
         INSERT INTO operation_red_minutes AS t (minute, environment, service_name, span_name, span_kind, ${COUNTER_COLUMNS})
         SELECT to_timestamp(m / 1000), env, svc, op, kind, ${operationCounters.select}
         FROM unnest(${p(operationFirst)}::bigint[], ${p(operationFirst + 1)}::text[], ${p(operationFirst + 2)}::text[],
                     ${p(operationFirst + 3)}::text[], ${p(operationFirst + 4)}::smallint[], ${operationCounters.unnest})
           AS u(m, env, svc, op, kind, ${COUNTER_ALIASES})
         ON CONFLICT (service_name, minute, environment, span_name, span_kind) DO UPDATE SET ${ADD_COUNTERS('t')}
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM edge_rows) + (SELECT count(*) FROM service_rows) + (SELECT count(*) FROM operation_rows) AS n`,
      values,
    );
  }

  /** Deletes rollups of minutes before `cutoffMs` (the spans' retention cut-off). */
  async applyRetention(cutoffMs: number): Promise<number> {
    const rows = await this.db.query<{ n: number | bigint }>(
      `WITH a AS (DELETE FROM service_graph_edge_minutes WHERE minute < to_timestamp($1::bigint / 1000) RETURNING 1),
            b AS (DELETE FROM service_red_minutes WHERE minute < to_timestamp($1::bigint / 1000) RETURNING 1),
            c AS (DELETE FROM operation_red_minutes WHERE minute < to_timestamp($1::bigint / 1000) RETURNING 1)
       SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c) AS n`,
      [cutoffMs],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
