// Finds series by label matchers in metric_series_blocks (series packed per metric, as label-pair
// ids into metric_label_pairs; lib/domain/metrics/series-block.ts): each matcher is first resolved
// to the pair ids it accepts (or, when it accepts a missing label, those it refuses) in the
// dictionary, then the blocks of the metrics allowed (by metric_id, the primary key's prefix; every
// block without a __name__ matcher) that overlap the range are read and decoded, series are
// narrowed by time and by their pairs in process, and their labels are rebuilt from the pairs they
// hold. Regexes run in PostgreSQL (its ARE dialect accepts the RE2 syntax PromQL users
// write in practice), fully anchored as Prometheus does.
import { acceptsEmpty, passesPairFilters, type PairFilter } from '../../domain/metrics/label-pair-filter';
import { scanSeriesBlock } from '../../domain/metrics/series-block';
import type { LabelMatcher, Labels } from '../../domain/metrics/types';
import type { RowQuery } from './pg-series-queryable';

// A series' last seen lags by up to this much (collector/store/metric-store.ts).
export const LAST_SEEN_SLACK_MS = 60 * 60 * 1000;

export interface SeriesRow {
  id: number;
  labels: Labels;
}

/**
 * metric_label_pairs.hash of a (name, value) pair, as SQL over two text expressions: the writer
 * (collector/store/metric-store.ts), this lookup and migration 20261129130000 must agree on it.
 */
export function labelPairHashSql(name: string, value: string): string {
  return `hashtextextended(${name} || chr(255) || ${value}, 0)`;
}

function predicate(type: LabelMatcher['type'], column: string, value: string): string {
  if (type === '=') return `${column} = ${value}`;
  if (type === '!=') return `${column} <> ${value}`;
  const anchored = `('^(?:' || ${value} || ')$')`;
  return type === '=~' ? `${column} ~ ${anchored}` : `${column} !~ ${anchored}`;
}

interface ResolvedMatchers {
  /** Pair ids of the metric names allowed; undefined: no matcher on __name__. */
  metricIds: number[] | undefined;
  filters: PairFilter[];
}

/** The matchers as pair ids; undefined when no series can match. */
async function resolveMatchers(db: RowQuery, matchers: readonly LabelMatcher[]): Promise<ResolvedMatchers | undefined> {
  if (matchers.length === 0) return { metricIds: undefined, filters: [] };
  // Every series has a __name__ pair (value '' when it has no name), so a __name__ matcher always
  // selects the pairs it accepts; another label's matcher selects those it refuses when it accepts "".
  const refuses = matchers.map((m) => (m.name === '__name__' ? false : acceptsEmpty(m)));
  const unknown = refuses.flatMap((r, i) => (r === undefined ? [i] : []));
  if (unknown.length > 0) {
    const sql = `SELECT ARRAY[${unknown.map((i, k) => predicate(matchers[i]!.type, "''::text", `$${k + 1}::text`)).join(', ')}] AS empty`;
    const [row] = await db.query<{ empty: boolean[] }>(sql, unknown.map((i) => matchers[i]!.value));
    unknown.forEach((i, k) => (refuses[i] = row!.empty[k] === true));
  }
  const params: unknown[] = [];
  const parts = matchers.map((m, i) => {
    params.push(m.name, m.value);
    const name = `$${params.length - 1}::text`;
    const value = `$${params.length}::text`;
    const accept = predicate(m.type, 'p.value', value);
    // One pair: found by its hash (the unique index); else every pair of the name (its index).
    const exact = m.type === '=' && !refuses[i] ? ` AND p.hash = ${labelPairHashSql(name, value)}` : '';
    return `SELECT ${i} AS i, p.id FROM metric_label_pairs p WHERE p.name = ${name}${exact} AND ${refuses[i] ? `NOT (${accept})` : accept}`;
  });
  const rows = await db.query<{ i: number; id: number }>(parts.join(' UNION ALL '), params);
  const ids = matchers.map(() => new Set<number>());
  for (const row of rows) ids[Number(row.i)]!.add(Number(row.id));
  let metricIds: Set<number> | undefined;
  const filters: PairFilter[] = [];
  for (let i = 0; i < matchers.length; i++) {
    const set = ids[i]!;
    if (matchers[i]!.name === '__name__') {
      metricIds = metricIds ? new Set([...metricIds].filter((id) => set.has(id))) : set;
      if (metricIds.size === 0) return undefined;
    } else if (refuses[i]) {
      if (set.size > 0) filters.push({ mode: 'hasNot', ids: set });
    } else {
      if (set.size === 0) return undefined;
      filters.push({ mode: 'has', ids: set });
    }
  }
  return { metricIds: metricIds && [...metricIds], filters };
}

interface HeldSeries {
  id: number;
  metric_id: number;
  pairs: number[];
}

/**
 * Calls `visit` for every series seen in [startMs, endMs] (with last_seen's slack) of the given
 * metrics (all when undefined), block by block. The series object and its pairs are reused: copy
 * what is kept.
 */
export async function forEachSeries(db: RowQuery, metricIds: readonly number[] | undefined, startMs: number, endMs: number, visit: (series: HeldSeries) => void): Promise<void> {
  const from = startMs - LAST_SEEN_SLACK_MS;
  const params: unknown[] = [from, endMs];
  if (metricIds) params.push(metricIds);
  const blocks = await db.query<{ metric_id: number; data: Uint8Array }>(
    `SELECT metric_id, data FROM metric_series_blocks WHERE last_seen_ms >= $1 AND first_seen_ms <= $2${metricIds ? ' AND metric_id = ANY($3::int4[])' : ''}`,
    params,
  );
  const series: HeldSeries = { id: 0, metric_id: 0, pairs: [] };
  for (const block of blocks) {
    series.metric_id = Number(block.metric_id);
    scanSeriesBlock(block.data, (entry) => {
      if (entry.lastSeenMs < from || entry.firstSeenMs > endMs) return;
      series.id = entry.id;
      series.pairs = entry.pairs;
      visit(series);
    });
  }
}

/** Ids as an int4[] literal: tens of thousands are cheaper to send as one string than through the driver's array serializer. */
export function idArrayText(ids: Iterable<number>): string {
  return `{${[...ids].join(',')}}`;
}

/** Series matching every matcher that were seen in [startMs, endMs] (with last_seen's slack), by id. */
export async function findSeries(db: RowQuery, matchers: readonly LabelMatcher[], startMs: number, endMs: number, limit?: number): Promise<SeriesRow[]> {
  const resolved = await resolveMatchers(db, matchers);
  if (!resolved) return [];
  const rows: HeldSeries[] = [];
  await forEachSeries(db, resolved.metricIds, startMs, endMs, (series) => {
    if (resolved.filters.length === 0 || passesPairFilters(series.pairs, resolved.filters)) rows.push({ ...series, pairs: series.pairs.slice() });
  });
  rows.sort((a, b) => a.id - b.id);
  const cap = limit && limit > 0 ? Math.floor(limit) : undefined;
  return withLabels(db, cap && rows.length > cap ? rows.slice(0, cap) : rows);
}

/** Rebuilds each series' labels from its pair ids, names in byte order (as Prometheus sorts them). */
async function withLabels(db: RowQuery, rows: HeldSeries[]): Promise<SeriesRow[]> {
  if (rows.length === 0) return [];
  const wanted = new Set<number>();
  for (const row of rows) {
    wanted.add(row.metric_id);
    for (const id of row.pairs) wanted.add(id);
  }
  const pairs = await db.query<{ id: number; name: string; value: string }>('SELECT p.id, p.name, p.value FROM metric_label_pairs p JOIN unnest($1::int4[]) AS u(id) ON p.id = u.id', [idArrayText(wanted)]);
  const byId = new Map<number, { name: string; value: string }>();
  for (const pair of pairs) byId.set(Number(pair.id), pair);
  const out: SeriesRow[] = new Array(rows.length);
  const held: Array<{ name: string; value: string }> = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    held.length = 0;
    const metric = byId.get(row.metric_id);
    if (metric && metric.value !== '') held.push(metric);
    for (const id of row.pairs) {
      const pair = byId.get(id);
      if (pair) held.push(pair);
    }
    held.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const labels: Record<string, string> = {};
    for (const pair of held) labels[pair.name] = pair.value;
    out[r] = { id: row.id, labels };
  }
  return out;
}
