// What the Prometheus HTTP API routes ask of the metrics tables: PromQL through the engine over
// PgSeriesQueryable, and the series / label / metadata lookups Grafana's Prometheus data source
// makes for its query builder and autocomplete. Parameters arrive validated (lib/contracts/prometheus-api.ts).
import { getDb } from '../prisma';
import type { LabelMatcher, Labels } from '../../domain/metrics/types';
import { PgSeriesQueryable, poolRowQuery, type RowQuery } from './pg-series-queryable';
import { findSeries, forEachSeries, idArrayText } from './series-lookup';
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

/** Series of any of the selectors (deduplicated), for the label lookups narrowed by `match[]`. */
async function selectedSeries(selectors: LabelMatcher[][], startMs: number, endMs: number, db: RowQuery): Promise<Labels[]> {
  const seen = new Map<number, Labels>();
  for (const matchers of selectors) for (const s of await findSeries(db, matchers, startMs, endMs)) seen.set(s.id, s.labels);
  return [...seen.values()];
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The label-pair ids some series seen in the range holds: its metric names' and the others. */
async function heldPairs(db: RowQuery, startMs: number, endMs: number): Promise<{ metricIds: number[]; pairIds: number[] }> {
  const metricIds = new Set<number>();
  const pairIds = new Set<number>();
  await forEachSeries(db, undefined, startMs, endMs, (series) => {
    metricIds.add(series.metric_id);
    for (const id of series.pairs) pairIds.add(id);
  });
  return { metricIds: [...metricIds], pairIds: [...pairIds] };
}

export async function labelNames(selectors: LabelMatcher[][], startMs: number, endMs: number, db: RowQuery = rows()): Promise<string[]> {
  if (selectors.length > 0) {
    const names = new Set<string>();
    for (const labels of await selectedSeries(selectors, startMs, endMs, db)) for (const name in labels) names.add(name);
    return [...names].sort(byteOrder);
  }
  const { metricIds, pairIds } = await heldPairs(db, startMs, endMs);
  const found = await db.query<{ name: string }>(
    `SELECT DISTINCT p.name FROM metric_label_pairs p JOIN unnest($1::int4[]) AS u(id) ON p.id = u.id WHERE p.value <> ''`,
    [idArrayText([...metricIds, ...pairIds])],
  );
  return found.map((row) => row.name).sort(byteOrder);
}

export async function labelValues(name: string, selectors: LabelMatcher[][], startMs: number, endMs: number, db: RowQuery = rows()): Promise<string[]> {
  if (selectors.length > 0) {
    const values = new Set<string>();
    for (const labels of await selectedSeries(selectors, startMs, endMs, db)) {
      const value = labels[name];
      if (value !== undefined) values.add(value);
    }
    return [...values].sort(byteOrder);
  }
  // Without selectors the dictionary answers, keeping the values some series of the range holds.
  const { metricIds, pairIds } = await heldPairs(db, startMs, endMs);
  const found = await db.query<{ value: string }>(
    `SELECT p.value FROM metric_label_pairs p JOIN unnest($2::int4[]) AS u(id) ON p.id = u.id WHERE p.name = $1 AND p.value <> ''`,
    [name, idArrayText(name === '__name__' ? metricIds : pairIds)],
  );
  return found.map((row) => row.value).sort(byteOrder);
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
