// Writes drained per-minute rollups to PostgreSQL and deletes them for retention. One round trip
// per flush: a single statement whose data-modifying CTEs each upsert one table from unnest()
// arrays — the three minute tables, and the 10-minute and hourly blocks of edges and services
// (lib/domain/service-graph/rollup-tiers.ts) — adding to rows already stored (a minute is flushed
// several times while it is current). Rows are sorted by primary key so that two collectors
// upserting overlapping rows lock them in the same order instead of deadlocking.
import { histogramToSql } from '../../lib/domain/service-graph/latency-histogram';
import { BLOCK_MINUTES, blockStart } from '../../lib/domain/service-graph/rollup-tiers';
import {
  edgeKey,
  emptyCounters,
  mergeCounters,
  serviceKey,
  type EdgeDims,
  type OperationDims,
  type RollupRow,
  type ServiceDims,
} from '../../lib/domain/service-graph/rollup';
import type { SqlExecutor } from '../store/sql-executor';

export interface DrainedRollups {
  edges: RollupRow<EdgeDims>[];
  services: RollupRow<ServiceDims>[];
  operations: RollupRow<OperationDims>[];
}

/** A key column: its name, the array type it travels as, and its value per row. */
interface KeyColumn<R> {
  name: string;
  type: string;
  value(row: R): unknown;
}

const COUNTER_COLUMNS = ['calls', 'errors', 'latency_count', 'latency_sum_us', 'latency_max_us', 'histogram', 'slow_trace_id', 'error_trace_id'];

/** What every rollup table does with a row that is already there: add. */
const ADD_COUNTERS = `
  calls = t.calls + EXCLUDED.calls,
  errors = t.errors + EXCLUDED.errors,
  latency_count = t.latency_count + EXCLUDED.latency_count,
  latency_sum_us = t.latency_sum_us + EXCLUDED.latency_sum_us,
  latency_max_us = greatest(t.latency_max_us, EXCLUDED.latency_max_us),
  histogram = meshlight_histogram_add(t.histogram, EXCLUDED.histogram),
  slow_trace_id = CASE WHEN t.slow_trace_id IS NULL OR EXCLUDED.latency_max_us > t.latency_max_us
                       THEN coalesce(EXCLUDED.slow_trace_id, t.slow_trace_id) ELSE t.slow_trace_id END,
  error_trace_id = coalesce(EXCLUDED.error_trace_id, t.error_trace_id)`;

/** Builds one statement of upsert CTEs, collecting the parameters. */
class UpsertStatement {
  readonly values: unknown[] = [];
  private readonly ctes: string[] = [];

  add<R extends RollupRow<unknown>>(table: string, keys: KeyColumn<R>[], rows: readonly R[]): void {
    if (rows.length === 0) return;
    const param = (values: unknown[], type: string) => {
      this.values.push(values);
      return `$${this.values.length}::${type}[]`;
    };
    const keyParams = keys.map((k) => param(rows.map(k.value), k.type));
    const counterParams = [
      param(rows.map((r) => r.calls), 'bigint'),
      param(rows.map((r) => r.errors), 'bigint'),
      param(rows.map((r) => r.latencyCount), 'bigint'),
      param(rows.map((r) => Math.round(r.latencySumUs)), 'bigint'),
      param(rows.map((r) => Math.round(r.latencyMaxUs)), 'bigint'),
      param(rows.map((r) => histogramToSql(r.histogram)), 'text'),
      param(rows.map((r) => r.slowTraceId), 'text'),
      param(rows.map((r) => r.errorTraceId), 'text'),
    ];
    const aliases = [...keys.map((_, i) => `k${i}`), 'c_calls', 'c_errors', 'c_count', 'c_sum', 'c_max', 'c_hist', 'c_slow', 'c_error'];
    const select = [
      ...keys.map((k, i) => (k.name === 'minute' ? `to_timestamp(k${i} / 1000)` : `k${i}`)),
      `c_calls, c_errors, c_count, c_sum, c_max, c_hist::int[], decode(nullif(c_slow, ''), 'hex'), decode(nullif(c_error, ''), 'hex')`,
    ];
    const keyNames = keys.map((k) => k.name);
    this.ctes.push(`w${this.ctes.length} AS (
      INSERT INTO ${table} AS t (${[...keyNames, ...COUNTER_COLUMNS].join(', ')})
      SELECT ${select.join(', ')}
      FROM unnest(${[...keyParams, ...counterParams].join(', ')}) AS u(${aliases.join(', ')})
      ON CONFLICT (${keyNames.join(', ')}) DO UPDATE SET ${ADD_COUNTERS}
      RETURNING 1)`);
  }

  get sql(): string | undefined {
    if (this.ctes.length === 0) return undefined;
    return `WITH ${this.ctes.join(',\n')}\nSELECT ${this.ctes.map((_, i) => `(SELECT count(*) FROM w${i})`).join(' + ')} AS n`;
  }
}

const minuteColumn = { name: 'minute', type: 'bigint', value: (r: RollupRow<unknown>) => r.minuteMs };
const envColumn = <D extends { environment: string }>(): KeyColumn<RollupRow<D>> => ({ name: 'environment', type: 'text', value: (r) => r.dims.environment });
const EDGE_KEYS: KeyColumn<RollupRow<EdgeDims>>[] = [
  minuteColumn,
  envColumn<EdgeDims>(),
  { name: 'source_kind', type: 'text', value: (r) => r.dims.source.kind },
  { name: 'source_name', type: 'text', value: (r) => r.dims.source.name },
  { name: 'target_kind', type: 'text', value: (r) => r.dims.target.kind },
  { name: 'target_name', type: 'text', value: (r) => r.dims.target.name },
  { name: 'connection_type', type: 'text', value: (r) => r.dims.connectionType },
];
const SERVICE_KEYS: KeyColumn<RollupRow<ServiceDims>>[] = [minuteColumn, envColumn<ServiceDims>(), { name: 'service_name', type: 'text', value: (r) => r.dims.service }];
const OPERATION_KEYS: KeyColumn<RollupRow<OperationDims>>[] = [
  { name: 'service_name', type: 'text', value: (r) => r.dims.service },
  minuteColumn,
  envColumn<OperationDims>(),
  { name: 'span_name', type: 'text', value: (r) => r.dims.operation },
  { name: 'span_kind', type: 'smallint', value: (r) => r.dims.spanKind },
];
const blockKeys = <D>(keys: KeyColumn<RollupRow<D>>[], size: number): KeyColumn<RollupRow<D>>[] => [
  { name: 'block_minutes', type: 'smallint', value: () => size },
  ...keys,
];

/** The rows of each block size the minute rows fall in, added up. */
export function toBlocks<D>(rows: readonly RollupRow<D>[], keyOf: (dims: D) => string, size: (typeof BLOCK_MINUTES)[number]): RollupRow<D>[] {
  const blocks = new Map<string, RollupRow<D>>();
  for (const row of rows) {
    const minuteMs = blockStart(row.minuteMs, size);
    const key = `${minuteMs}\u0000${keyOf(row.dims)}`;
    let block = blocks.get(key);
    if (!block) blocks.set(key, (block = { dims: row.dims, minuteMs, ...emptyCounters() }));
    mergeCounters(block, row);
  }
  return [...blocks.values()];
}

const sortedBy = <R>(rows: readonly R[], key: (row: R) => string) => rows.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
const minuteText = (ms: number) => String(ms).padStart(15, '0');

export class RollupStore {
  constructor(private readonly db: SqlExecutor) {}

  async write(rollups: DrainedRollups): Promise<number> {
    const statement = new UpsertStatement();
    const edgeOrder = (r: RollupRow<EdgeDims>) => `${minuteText(r.minuteMs)}\u0000${edgeKey(r.dims)}`;
    const serviceOrder = (r: RollupRow<ServiceDims>) => `${minuteText(r.minuteMs)}\u0000${serviceKey(r.dims)}`;
    statement.add('service_graph_edge_minutes', EDGE_KEYS, sortedBy(rollups.edges, edgeOrder));
    statement.add('service_red_minutes', SERVICE_KEYS, sortedBy(rollups.services, serviceOrder));
    statement.add(
      'operation_red_minutes',
      OPERATION_KEYS,
      sortedBy(rollups.operations, (r) => `${r.dims.service}\u0000${minuteText(r.minuteMs)}\u0000${r.dims.environment}\u0000${r.dims.operation}\u0000${r.dims.spanKind}`),
    );
    for (const size of BLOCK_MINUTES) {
      statement.add('service_graph_edge_blocks', blockKeys(EDGE_KEYS, size), sortedBy(toBlocks(rollups.edges, edgeKey, size), edgeOrder));
      statement.add('service_red_blocks', blockKeys(SERVICE_KEYS, size), sortedBy(toBlocks(rollups.services, serviceKey, size), serviceOrder));
    }
    const sql = statement.sql;
    if (!sql) return 0;
    const rows = await this.db.query<{ n: number | bigint }>(sql, statement.values);
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes rollups of minutes before `cutoffMs` (the spans' retention cut-off). */
  async applyRetention(cutoffMs: number): Promise<number> {
    const tables = ['service_graph_edge_minutes', 'service_red_minutes', 'operation_red_minutes', 'service_graph_edge_blocks', 'service_red_blocks'];
    const rows = await this.db.query<{ n: number | bigint }>(
      `WITH ${tables.map((t, i) => `d${i} AS (DELETE FROM ${t} WHERE minute < to_timestamp($1::bigint / 1000) RETURNING 1)`).join(',\n')}
       SELECT ${tables.map((_, i) => `(SELECT count(*) FROM d${i})`).join(' + ')} AS n`,
      [cutoffMs],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
