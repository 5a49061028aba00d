// What the Prometheus HTTP API routes ask of the metrics tables: PromQL through the engine over
// PgSeriesQueryable, and the series / label / metadata lookups Grafana's Prometheus data source
// makes for its query builder and autocomplete. Parameters arrive validated (lib/contracts/prometheus-api.ts).
import { getDb } from '../prisma';
import type { LabelMatcher, Labels } from '../../domain/metrics/types';
import { findSeries, matcherSql, PgSeriesQueryable, poolRowQuery, type RowQuery } from './pg-series-queryable';
import { promqlEngine, PromqlError, type PromQueryData } from './promql-port';

/** Prometheus's own cap: a range query may produce at most this many points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** Most series /api/v1/series returns when no `limit` is given (guards the UI server's memory). */
export const MAX_SERIES_RESULT = 50_000;

function rows(): RowQuery {
  return poolRowQuery(getDb().pool);
}

export async function instantQuery(query: string, timeMs: number, db: RowQuery = rows()): Promise<PromQueryData> {
  return promqlEngine.instant(new PgSeriesQueryable(db), query, timeMs);
}

export async function rangeQuery(query: string, startMs: number, endMs: number, stepMs: number, db: RowQuery = rows()): Promise<PromQueryData> {
  if (endMs < startMs) throw new PromqlError('bad_data', 'end timestamp must not be before start time');
  if (stepMs <= 0) throw new PromqlError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
    throw new PromqlError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  return promqlEngine.range(new PgSeriesQueryable(db), query, startMs, endMs, stepMs);
}

/** Series matching any of the selectors (each a list of matchers) seen in the range. */
export async function seriesLabels(selectors: LabelMatcher[][], startMs: number, endMs: number, limit: number | undefined, db: RowQuery = rows()): Promise<Labels[]> {
  const cap = limit && limit > 0 ? limit : MAX_SERIES_RESULT;
  const seen = new Map<number, Labels>();
  for (const matchers of selectors) {
    for (const s of await findSeries(db, matchers, startMs, endMs, cap)) seen.set(s.id, s.labels);
    if (seen.size >= cap) break;
  }
  return [...seen.values()].slice(0, cap);
}

/** `(… AND …) OR (… AND …)` over the selectors, or TRUE without any. */
function selectorsSql(selectors: LabelMatcher[][], params: unknown[]): string {
  if (selectors.length === 0) return 'TRUE';
  return selectors.map((matchers) => `(${matcherSql(matchers, params).join(' AND ') || 'TRUE'})`).join(' OR ');
}

function timeSql(startMs: number, endMs: number, params: unknown[]): string {
  params.push(startMs - 60 * 60 * 1000, endMs);
  return `s.last_seen_ms >= $${params.length - 1} AND s.first_seen_ms <= $${params.length}`;
}

export async function labelNames(selectors: LabelMatcher[][], startMs: number, endMs: number, db: RowQuery = rows()): Promise<string[]> {
  const params: unknown[] = [];
  const where = `${timeSql(startMs, endMs, params)} AND (${selectorsSql(selectors, params)})`;
  const found = await db.query<{ name: string }>(
    `SELECT DISTINCT k AS name FROM metric_series s, jsonb_object_keys(s.labels) AS k WHERE ${where} ORDER BY 1`,
    params,
  );
  return found.map((row) => row.name);
}

export async function labelValues(name: string, selectors: LabelMatcher[][], startMs: number, endMs: number, db: RowQuery = rows()): Promise<string[]> {
  const params: unknown[] = [];
  const where = `${timeSql(startMs, endMs, params)} AND (${selectorsSql(selectors, params)})`;
  if (name === '__name__') {
    const found = await db.query<{ value: string }>(`SELECT DISTINCT s.metric_name AS value FROM metric_series s WHERE ${where} ORDER BY 1`, params);
    return found.map((row) => row.value);
  }
  params.push(name);
  const found = await db.query<{ value: string }>(
    `SELECT DISTINCT s.labels ->> $${params.length} AS value FROM metric_series s WHERE s.labels ? $${params.length} AND ${where} ORDER BY 1`,
    params,
  );
  return found.map((row) => row.value);
}

export interface MetricMetadataEntry {
  type: string;
  help: string;
  unit: string;
}

/** /api/v1/metadata's `data`: metric family → its metadata (one entry; we keep the latest). */
export async function metricMetadata(metric: string | undefined, limit: number | undefined, db: RowQuery = rows()): Promise<Record<string, MetricMetadataEntry[]>> {
  const params: unknown[] = [];
  let where = '';
  if (metric) {
    params.push(metric);
    where = 'WHERE metric = $1';
  }
  const found = await db.query<{ metric: string; type: string; help: string; unit: string }>(
    `SELECT metric, type, help, unit FROM metric_metadata ${where} ORDER BY metric${limit && limit > 0 ? ` LIMIT ${Math.floor(limit)}` : ''}`,
    params,
  );
  const out: Record<string, MetricMetadataEntry[]> = {};
  for (const row of found) out[row.metric] = [{ type: row.type, help: row.help, unit: row.unit }];
  return out;
}
