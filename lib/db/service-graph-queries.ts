// The UI server's service graph reads. They read the rollups the collector writes
// (prisma/schema.prisma: ServiceGraphEdgeMinute/Block, ServiceRedMinute/Block, OperationRedMinute),
// never raw spans, so a window costs a few small rows per edge whatever the span volume: the graph
// reads a window's ragged minutes plus the 10-minute and hourly blocks between them
// (lib/domain/service-graph/rollup-tiers.ts); series read minutes. Histograms are
// summed in SQL bucket by bucket (`sum(histogram[k])`; a subscript outside a row's stored range is
// NULL and skipped), so one row per edge comes back whatever the window. Raw SQL through the one
// Prisma client with bound parameters; counts come back as float8 (exact below 2^53).
import type { Exemplar, RedPoint, RedSummary, TimeWindow } from '../contracts/service-graph-api';
import { DEFAULT_THRESHOLDS, assembleGraph, red, type EdgeTotals, type HealthThresholds, type ServiceGraph, type ServiceTotals } from '../domain/service-graph/graph';
import { BUCKET_COUNT, histogramFromSql } from '../domain/service-graph/latency-histogram';
import { emptyCounters, minuteOf, type RedCounters } from '../domain/service-graph/rollup';
import { windowSegments } from '../domain/service-graph/rollup-tiers';
import { parseNodeId, type ConnectionType, type NodeKind, type NodeRef } from '../domain/service-graph/types';
import { getDb, type Db } from './prisma';

/** `ARRAY[coalesce(sum(histogram[1]),0), …]::text`: the window's histogram, one per group. */
const SUMMED_HISTOGRAM = `ARRAY[${Array.from({ length: BUCKET_COUNT }, (_, i) => `coalesce(sum(histogram[${i + 1}]), 0)`).join(', ')}]::text`;

const SUMMED_COUNTERS = `sum(calls)::float8 AS calls, sum(errors)::float8 AS errors, sum(latency_count)::float8 AS latency_count,
  sum(latency_sum_us)::float8 AS latency_sum_us, max(latency_max_us)::float8 AS latency_max_us, ${SUMMED_HISTOGRAM} AS histogram`;

interface CounterRow {
  calls: number;
  errors: number;
  latency_count: number;
  latency_sum_us: number;
  latency_max_us: number;
  histogram: string | null;
}

function counters(row: CounterRow): RedCounters {
  return {
    ...emptyCounters(),
    calls: row.calls,
    errors: row.errors,
    latencyCount: row.latency_count,
    latencySumUs: row.latency_sum_us,
    latencyMaxUs: row.latency_max_us,
    histogram: histogramFromSql(row.histogram),
  };
}

/**
 * The minutes a window reads: every minute that overlaps it. Rates divide by the time those
 * minutes cover, up to the window's end, so a window cut mid-minute does not inflate them.
 */
export function rollupWindow(window: TimeWindow): TimeWindow {
  return { startMs: minuteOf(window.startMs), endMs: window.endMs };
}

function windowWhere(window: TimeWindow, environment: string | null, values: unknown[]): string {
  const { startMs, endMs } = rollupWindow(window);
  values.push(startMs, endMs);
  let where = `minute >= to_timestamp($${values.length - 1}::float8 / 1000) AND minute < to_timestamp($${values.length}::float8 / 1000)`;
  if (environment !== null) {
    values.push(environment);
    where += ` AND environment = $${values.length}`;
  }
  return where;
}

/**
 * A UNION ALL of the rows that cover a window once: minutes for its ragged ends, blocks between.
 * `columns` are selected from each; the caller groups the union.
 */
function tieredRows(minuteTable: string, blockTable: string, columns: string, window: TimeWindow, environment: string | null, values: unknown[]): string {
  const byResolution = new Map<number, string[]>();
  for (const segment of windowSegments(window.startMs, window.endMs)) {
    values.push(segment.fromMs, segment.toMs);
    const range = `(minute >= to_timestamp($${values.length - 1}::float8 / 1000) AND minute < to_timestamp($${values.length}::float8 / 1000))`;
    byResolution.set(segment.resolutionMinutes, [...(byResolution.get(segment.resolutionMinutes) ?? []), range]);
  }
  let envFilter = '';
  if (environment !== null) {
    values.push(environment);
    envFilter = ` AND environment = $${values.length}`;
  }
  const parts = [...byResolution].map(([resolution, ranges]) =>
    resolution === 1
      ? `SELECT ${columns} FROM ${minuteTable} WHERE (${ranges.join(' OR ')})${envFilter}`
      : `SELECT ${columns} FROM ${blockTable} WHERE block_minutes = ${resolution} AND (${ranges.join(' OR ')})${envFilter}`,
  );
  return parts.length > 0 ? parts.join('\n UNION ALL ') : `SELECT ${columns} FROM ${minuteTable} WHERE false`;
}

const COUNTER_COLUMNS = 'calls, errors, latency_count, latency_sum_us, latency_max_us, histogram';

// ---------------------------------------------------------------------------------------------
// The graph

export interface GraphTotals {
  edges: EdgeTotals[];
  services: ServiceTotals[];
  environments: string[];
}

export async function loadGraphTotals(window: TimeWindow, environment: string | null, db: Db = getDb()): Promise<GraphTotals> {
  const edgeValues: unknown[] = [];
  const edgeRows = tieredRows(
    'service_graph_edge_minutes',
    'service_graph_edge_blocks',
    `source_kind, source_name, target_kind, target_name, connection_type, ${COUNTER_COLUMNS}`,
    window,
    environment,
    edgeValues,
  );
  const serviceValues: unknown[] = [];
  const serviceRows = tieredRows('service_red_minutes', 'service_red_blocks', `service_name, ${COUNTER_COLUMNS}`, window, environment, serviceValues);
  const envValues: unknown[] = [];
  const envRows = tieredRows('service_red_minutes', 'service_red_blocks', 'environment', window, null, envValues);
  const [edges, services, environments] = await Promise.all([
    db.prisma.$queryRawUnsafe<Array<CounterRow & { sk: string; sn: string; tk: string; tn: string; ct: string }>>(
      `SELECT source_kind AS sk, source_name AS sn, target_kind AS tk, target_name AS tn, connection_type AS ct, ${SUMMED_COUNTERS}
       FROM (${edgeRows}) AS u
       GROUP BY source_kind, source_name, target_kind, target_name, connection_type`,
      ...edgeValues,
    ),
    db.prisma.$queryRawUnsafe<Array<CounterRow & { service_name: string }>>(
      `SELECT service_name, ${SUMMED_COUNTERS} FROM (${serviceRows}) AS u GROUP BY service_name`,
      ...serviceValues,
    ),
    db.prisma.$queryRawUnsafe<Array<{ environment: string }>>(
      `SELECT DISTINCT environment FROM (${envRows}) AS u WHERE environment <> '' ORDER BY environment`,
      ...envValues,
    ),
  ]);
  return {
    edges: edges.map((row) => ({
      source: { kind: row.sk as NodeKind, name: row.sn },
      target: { kind: row.tk as NodeKind, name: row.tn },
      connectionType: row.ct as ConnectionType,
      ...counters(row),
    })),
    services: services.map((row) => ({ service: row.service_name, ...counters(row) })),
    environments: environments.map((row) => row.environment),
  };
}

/**
 * The service graph of a window as the map draws it (GET /api/service-graph, the incident page's
 * involved map): the rollups' totals assembled into nodes and edges with rate, error rate,
 * percentiles and health.
 */
export async function loadServiceGraph(
  window: TimeWindow,
  environment: string | null,
  thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
  db: Db = getDb(),
): Promise<ServiceGraph & { environments: string[] }> {
  const totals = await loadGraphTotals(window, environment, db);
  const graph = assembleGraph({ ...rollupWindow(window), edges: totals.edges, services: totals.services }, thresholds);
  return { ...graph, environments: totals.environments };
}

/** Jaeger's dependency links: calls per (parent, child) name pair, every edge kind included. */
export async function loadDependencyLinks(window: TimeWindow, db: Db = getDb()): Promise<Array<{ parent: string; child: string; callCount: number }>> {
  const values: unknown[] = [];
  const rows = tieredRows('service_graph_edge_minutes', 'service_graph_edge_blocks', 'source_name, target_name, calls', window, null, values);
  const links = await db.prisma.$queryRawUnsafe<Array<{ parent: string; child: string; calls: number }>>(
    `SELECT source_name AS parent, target_name AS child, sum(calls)::float8 AS calls
     FROM (${rows}) AS u WHERE source_name <> target_name
     GROUP BY source_name, target_name ORDER BY source_name, target_name`,
    ...values,
  );
  return links.map((row) => ({ parent: row.parent, child: row.child, callCount: row.calls }));
}

// ---------------------------------------------------------------------------------------------
// Series and exemplars

function points(rows: Array<CounterRow & { t: number }>, window: TimeWindow, stepMs: number, thresholds?: HealthThresholds): RedPoint[] {
  const byTime = new Map(rows.map((row) => [row.t, row]));
  const out: RedPoint[] = [];
  const first = Math.floor(window.startMs / stepMs) * stepMs;
  for (let t = first; t < window.endMs; t += stepMs) {
    const row = byTime.get(t);
    const seconds = (Math.min(t + stepMs, window.endMs) - Math.max(t, minuteOf(window.startMs))) / 1000;
    const { health: _health, ...point } = red(row ? counters(row) : emptyCounters(), seconds, thresholds ?? { degraded: 1, failing: 1 });
    out.push({ timeMs: t, ...point });
  }
  return out;
}

function summary(row: CounterRow | undefined, window: TimeWindow): RedSummary {
  const w = rollupWindow(window);
  const { health: _health, ...rest } = red(row ? counters(row) : emptyCounters(), (w.endMs - w.startMs) / 1000, { degraded: 1, failing: 1 });
  return rest;
}

const stepBucket = (values: unknown[], stepMs: number) => {
  values.push(stepMs);
  return `(floor(extract(epoch FROM minute) * 1000 / $${values.length}) * $${values.length})::float8`;
};

/** One edge's numbers over a window: summary, series, and example slow and failing traces. */
export async function loadEdgeDetail(
  request: TimeWindow & { source: string; target: string; connectionType: ConnectionType; environment: string | null },
  stepMs: number,
  db: Db = getDb(),
): Promise<{ summary: RedSummary; series: RedPoint[]; slowTraces: Exemplar[]; errorTraces: Exemplar[] }> {
  const values: unknown[] = [];
  const where = `${windowWhere(request, request.environment, values)} AND ${edgeMatch(request, values)}`;
  const bucket = stepBucket(values, stepMs);
  const [seriesRows, totalRows, slowRows, errorRows] = await Promise.all([
    db.prisma.$queryRawUnsafe<Array<CounterRow & { t: number }>>(
      `SELECT ${bucket} AS t, ${SUMMED_COUNTERS} FROM service_graph_edge_minutes WHERE ${where} GROUP BY 1 ORDER BY 1`,
      ...values,
    ),
    db.prisma.$queryRawUnsafe<CounterRow[]>(`SELECT ${SUMMED_COUNTERS} FROM service_graph_edge_minutes WHERE ${where}`, ...values.slice(0, -1)),
    db.prisma.$queryRawUnsafe<Array<{ trace_id: string; t: number; max_us: number }>>(
      `SELECT encode(slow_trace_id, 'hex') AS trace_id, (extract(epoch FROM minute) * 1000)::float8 AS t, latency_max_us::float8 AS max_us
       FROM service_graph_edge_minutes WHERE ${where} AND slow_trace_id IS NOT NULL ORDER BY latency_max_us DESC LIMIT 5`,
      ...values.slice(0, -1),
    ),
    db.prisma.$queryRawUnsafe<Array<{ trace_id: string; t: number }>>(
      `SELECT encode(error_trace_id, 'hex') AS trace_id, (extract(epoch FROM minute) * 1000)::float8 AS t
       FROM service_graph_edge_minutes WHERE ${where} AND error_trace_id IS NOT NULL ORDER BY minute DESC LIMIT 5`,
      ...values.slice(0, -1),
    ),
  ]);
  return {
    summary: summary(totalRows[0], request),
    series: points(seriesRows, request, stepMs),
    slowTraces: slowRows.map((r) => ({ traceId: r.trace_id, timeMs: r.t, latencyMs: r.max_us / 1000 })),
    errorTraces: errorRows.map((r) => ({ traceId: r.trace_id, timeMs: r.t })),
  };
}

/**
 * Rows of an edge as the graph shows it. A request edge to a service also covers the calls that
 * were stored as going to a peer of the same name (their server half never arrived): the graph
 * merges them (lib/domain/service-graph/graph.ts), so the detail must too.
 */
function edgeMatch(e: { source: string; target: string; connectionType: ConnectionType }, values: unknown[]): string {
  const source = parseNodeId(e.source) as NodeRef;
  const target = parseNodeId(e.target) as NodeRef;
  const ref = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const sourceMatch =
    source.kind === 'service'
      ? `source_name = ${ref(source.name)} AND source_kind IN ('service', 'external')`
      : `source_kind = ${ref(source.kind)} AND source_name = ${ref(source.name)}`;
  const targetMatch =
    target.kind === 'service' && e.connectionType === 'request'
      ? `target_name = ${ref(target.name)} AND ((target_kind = 'service' AND connection_type = 'request') OR (target_kind = 'external' AND connection_type = 'virtual'))`
      : `target_kind = ${ref(target.kind)} AND target_name = ${ref(target.name)} AND connection_type = ${ref(e.connectionType)}`;
  return `${sourceMatch} AND ${targetMatch}`;
}

// ---------------------------------------------------------------------------------------------
// A service's RED

export interface ServiceRed {
  summary: RedSummary;
  series: RedPoint[];
  operations: Array<RedSummary & { operation: string; spanKind: number; series: RedPoint[]; slowTraceId: string | null; errorTraceId: string | null }>;
}

/** Operations charted per request; the rest are listed with their totals only. */
const MAX_OPERATION_SERIES = 20;

export async function loadServiceRed(
  request: TimeWindow & { service: string; environment: string | null; stepMs: number },
  db: Db = getDb(),
): Promise<ServiceRed> {
  const values: unknown[] = [request.service];
  const where = `service_name = $1 AND ${windowWhere(request, request.environment, values)}`;
  const seriesValues = [...values];
  const bucket = stepBucket(seriesValues, request.stepMs);
  const [seriesRows, totalRows, operationRows] = await Promise.all([
    db.prisma.$queryRawUnsafe<Array<CounterRow & { t: number }>>(
      `SELECT ${bucket} AS t, ${SUMMED_COUNTERS} FROM service_red_minutes WHERE ${where} GROUP BY 1 ORDER BY 1`,
      ...seriesValues,
    ),
    db.prisma.$queryRawUnsafe<CounterRow[]>(`SELECT ${SUMMED_COUNTERS} FROM service_red_minutes WHERE ${where}`, ...values),
    db.prisma.$queryRawUnsafe<Array<CounterRow & { span_name: string; span_kind: number; slow: string | null; err: string | null }>>(
      `SELECT span_name, span_kind, ${SUMMED_COUNTERS},
         encode((array_agg(slow_trace_id ORDER BY latency_max_us DESC) FILTER (WHERE slow_trace_id IS NOT NULL))[1], 'hex') AS slow,
         encode((array_agg(error_trace_id ORDER BY minute DESC) FILTER (WHERE error_trace_id IS NOT NULL))[1], 'hex') AS err
       FROM operation_red_minutes WHERE ${where} GROUP BY span_name, span_kind ORDER BY sum(calls) DESC, span_name LIMIT 200`,
      ...values,
    ),
  ]);
  const charted = operationRows.slice(0, MAX_OPERATION_SERIES);
  const opSeriesValues = [...seriesValues];
  opSeriesValues.push(charted.map((o) => o.span_name), charted.map((o) => o.span_kind));
  const opSeriesRows =
    charted.length === 0
      ? []
      : await db.prisma.$queryRawUnsafe<Array<CounterRow & { t: number; span_name: string; span_kind: number }>>(
          `SELECT ${bucket} AS t, span_name, span_kind, ${SUMMED_COUNTERS} FROM operation_red_minutes
           WHERE ${where} AND (span_name, span_kind) IN (SELECT * FROM unnest($${opSeriesValues.length - 1}::text[], $${opSeriesValues.length}::smallint[]))
           GROUP BY 1, span_name, span_kind`,
          ...opSeriesValues,
        );
  const seriesByOperation = new Map<string, Array<CounterRow & { t: number }>>();
  for (const row of opSeriesRows) {
    const key = `${row.span_name}\u0000${row.span_kind}`;
    let list = seriesByOperation.get(key);
    if (!list) seriesByOperation.set(key, (list = []));
    list.push(row);
  }
  return {
    summary: summary(totalRows[0], request),
    series: points(seriesRows, request, request.stepMs),
    operations: operationRows.map((row) => ({
      operation: row.span_name,
      spanKind: row.span_kind,
      ...summary(row, request),
      series: points(seriesByOperation.get(`${row.span_name}\u0000${row.span_kind}`) ?? [], request, request.stepMs),
      slowTraceId: row.slow,
      errorTraceId: row.err,
    })),
  };
}
