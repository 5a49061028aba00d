// The metrics read side over PostgreSQL: finds series by label matchers (series-lookup.ts), reads their
// closed chunks (metric_chunks), the head's blocks (metric_head_blocks: what open chunks got between
// flushes, one row per group of series) and older collectors' segments (metric_head_segments) in the
// time range, decodes them and merges each series' samples in time order,
// dropping repeated timestamps (a segment's samples are also in its chunk once that is written, until
// the segment is deleted; a crashed collector's segments stay). Used by the PromQL API and by tests
// against the collector's database.
import { chunkSampleCount, chunkStart, decodeChunkInto } from '../../domain/metrics/chunk-codec';
import { forEachHeadBlockEntry, headBlockGroup } from '../../domain/metrics/head-block';
import type { ColumnarQueryable, ColumnarSeries } from '../../domain/promql/engine';
import type { LabelMatcher, SeriesSamples } from '../../domain/metrics/types';
import { findSeries } from './series-lookup';

/** The one thing the read side needs from a connection: pg's Pool, the collector's SqlExecutor, PGlite. */
export interface RowQuery {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** A RowQuery over a pg Pool (whose query() resolves to `{ rows }`). */
export function poolRowQuery(pool: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): RowQuery {
  return {
    async query<Row>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as Row[];
    },
  };
}

// Closed chunks span at most this long (collector/store/metric-head.ts), so a chunk overlapping
// [start, end] starts after start - MAX_CHUNK_SPAN_MS: the bound lets PostgreSQL prune partitions.
const MAX_CHUNK_SPAN_MS = 2 * 60 * 60 * 1000;
export { findSeries, type SeriesRow } from './series-lookup';

export class PgSeriesQueryable implements ColumnarQueryable {
  constructor(private readonly db: RowQuery) {}

  async select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const s of await this.selectColumns(matchers, startMs, endMs)) {
      const samples: SeriesSamples['samples'] = new Array(s.t.length);
      for (let i = 0; i < s.t.length; i++) samples[i] = { t: s.t[i]!, v: s.v[i]! };
      out.push({ labels: s.labels, samples });
    }
    return out;
  }

  /**
   * The engine's columnar path: each series' chunks decoded straight into one Float64Array of
   * timestamps and one of values (raw bits, so the staleness marker survives), no object per sample.
   */
  async selectColumns(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<ColumnarSeries[]> {
    const series = await findSeries(this.db, matchers, startMs, endMs);
    if (series.length === 0) return [];
    const ids = series.map((s) => s.id);
    const groups = [...new Set(ids.map(headBlockGroup))];
    const [chunks, blocks] = await Promise.all([
      this.db.query<{ series_id: bigint | number | string; start_ms: bigint | number | string; data: Uint8Array }>(
        `SELECT series_id, start_ms, data FROM metric_chunks
          WHERE series_id = ANY($1::int8[]) AND start_ms <= $3 AND start_ms >= $4 AND end_ms >= $2
         UNION ALL
         SELECT series_id, start_ms, data FROM metric_head_segments
          WHERE series_id = ANY($1::int8[]) AND start_ms <= $3 AND end_ms >= $2`,
        [ids, startMs, endMs, startMs - MAX_CHUNK_SPAN_MS],
      ),
      // The head's blocks: one row per group of series and flush; only the wanted series are read.
      this.db.query<{ group_id: bigint | number | string; data: Uint8Array }>(
        `SELECT group_id, data FROM metric_head_blocks WHERE group_id = ANY($1::int8[]) AND start_ms <= $3 AND end_ms >= $2`,
        [groups, startMs, endMs],
      ),
    ]);
    const byId = new Map<number, { start: number; data: Uint8Array }[]>();
    const add = (id: number, start: number, data: Uint8Array) => {
      let list = byId.get(id);
      if (!list) byId.set(id, (list = []));
      list.push({ start, data });
    };
    for (const row of chunks) add(Number(row.series_id), Number(row.start_ms), row.data);
    const wanted = new Set(ids);
    for (const row of blocks) {
      forEachHeadBlockEntry(
        Number(row.group_id),
        row.data,
        (id) => wanted.has(id),
        (id, chunk) => add(id, chunkStart(chunk), chunk),
      );
    }
    const out: ColumnarSeries[] = [];
    for (const s of series) {
      const list = byId.get(s.id);
      if (!list) continue;
      list.sort((a, b) => a.start - b.start);
      let capacity = 0;
      for (const chunk of list) capacity += chunkSampleCount(chunk.data);
      const t = new Float64Array(capacity);
      const v = new Float64Array(capacity);
      let n = 0;
      for (const chunk of list) n += decodeChunkInto(chunk.data, t, v, n);
      // Usually the samples ascend strictly (no chunk overlaps another): the window is a view.
      let ascending = true;
      for (let i = 1; i < n; i++) {
        if (t[i]! <= t[i - 1]!) {
          ascending = false;
          break;
        }
      }
      if (ascending) {
        let from = 0;
        let to = n;
        while (from < to && t[from]! < startMs) from++;
        while (to > from && t[to - 1]! > endMs) to--;
        if (to > from) out.push({ labels: s.labels, t: t.subarray(from, to), v: v.subarray(from, to) });
        continue;
      }
      // Else keep samples in [startMs, endMs] after the last one kept (chunks and blocks overlap;
      // repeated timestamps are dropped), moving values as bits.
      const words = new Uint32Array(v.buffer);
      let k = 0;
      let last = -Infinity;
      for (let i = 0; i < n; i++) {
        const ti = t[i]!;
        if (ti < startMs || ti > endMs || ti <= last) continue;
        if (k !== i) {
          t[k] = ti;
          words[2 * k] = words[2 * i]!;
          words[2 * k + 1] = words[2 * i + 1]!;
        }
        last = ti;
        k++;
      }
      if (k > 0) out.push({ labels: s.labels, t: t.subarray(0, k), v: v.subarray(0, k) });
    }
    return out;
  }
}
