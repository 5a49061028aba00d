// Changes to metric_series_blocks (series packed per metric, lib/domain/metrics/series-block.ts).
// There is no unique index on a series' hash: writers serialize per metric instead. Every change
// (new series, last_seen, retention) runs in a transaction that first takes the advisory locks of
// its metrics (ascending, so two writers never wait on each other crosswise), reads their blocks,
// changes the entries in process and rewrites the blocks it changed. Readers see whole blocks
// (MVCC), so a block is never seen half-written.
import { decodeSeriesBlock, encodeSeriesBlock, SERIES_BLOCK_SIZE, type SeriesBlockEntry } from '../../lib/domain/metrics/series-block';
import type { SqlSession } from './sql-executor';

/** pg_advisory_xact_lock(SERIES_LOCK_CLASS, metric_id) guards a metric's blocks ('MSER'). */
export const SERIES_LOCK_CLASS = 0x4d534552;
/**
 * Most metrics one transaction locks: each advisory lock takes a slot of PostgreSQL's shared lock
 * table (max_locks_per_transaction x max_connections, 6,400 by default), so writers of many metrics
 * go a group of metrics per transaction.
 */
export const MAX_LOCKED_METRICS = 256;

/** Metric ids, ascending, in groups of at most MAX_LOCKED_METRICS: one transaction each. */
export function metricGroups(metricIds: Iterable<number>): number[][] {
  const ids = [...new Set(metricIds)].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (let i = 0; i < ids.length; i += MAX_LOCKED_METRICS) groups.push(ids.slice(i, i + MAX_LOCKED_METRICS));
  return groups;
}

export interface SeriesBlock {
  metricId: number;
  block: number;
  entries: SeriesBlockEntry[];
  /** Set by the caller when it changed `entries`: written back by writeBlocks(). */
  changed: boolean;
}

/** Locks the metrics' blocks for the rest of the transaction and reads them, by metric id. */
export async function lockMetricBlocks(session: SqlSession, metricIds: Iterable<number>): Promise<Map<number, SeriesBlock[]>> {
  const ids = [...new Set(metricIds)].sort((a, b) => a - b);
  const out = new Map<number, SeriesBlock[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  await session.query('SELECT pg_advisory_xact_lock($1, u.m) FROM unnest($2::int4[]) AS u(m)', [SERIES_LOCK_CLASS, ids]);
  const rows = await session.query<{ metric_id: number; block: number; data: Uint8Array }>(
    'SELECT metric_id, block, data FROM metric_series_blocks WHERE metric_id = ANY($1::int4[]) ORDER BY metric_id, block',
    [ids],
  );
  for (const row of rows) {
    out.get(Number(row.metric_id))!.push({ metricId: Number(row.metric_id), block: Number(row.block), entries: decodeSeriesBlock(row.data), changed: false });
  }
  return out;
}

/**
 * Adds entries to a metric's blocks (the last one while it has room, then new ones), marking what
 * changed. `blocks` is the metric's list from lockMetricBlocks().
 */
export function appendEntries(metricId: number, blocks: SeriesBlock[], entries: readonly SeriesBlockEntry[]): void {
  let last = blocks.at(-1);
  for (const entry of entries) {
    if (!last || last.entries.length >= SERIES_BLOCK_SIZE) {
      last = { metricId, block: last ? last.block + 1 : 0, entries: [], changed: true };
      blocks.push(last);
    }
    last.entries.push(entry);
    last.changed = true;
  }
}

/** Writes back the changed blocks: empty ones deleted, the others upserted. */
export async function writeBlocks(session: SqlSession, blocks: Iterable<SeriesBlock>): Promise<void> {
  const gone: SeriesBlock[] = [];
  const kept: Array<{ block: SeriesBlock; first: number; last: number; hex: string }> = [];
  for (const block of blocks) {
    if (!block.changed) continue;
    block.changed = false;
    if (block.entries.length === 0) {
      gone.push(block);
      continue;
    }
    let first = Infinity;
    let last = -Infinity;
    for (const e of block.entries) {
      if (e.firstSeenMs < first) first = e.firstSeenMs;
      if (e.lastSeenMs > last) last = e.lastSeenMs;
    }
    const data = encodeSeriesBlock(block.entries);
    kept.push({ block, first, last, hex: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex') });
  }
  if (gone.length) {
    await session.query('DELETE FROM metric_series_blocks b USING unnest($1::int4[], $2::int4[]) AS g(m, k) WHERE b.metric_id = g.m AND b.block = g.k', [
      gone.map((g) => g.metricId),
      gone.map((g) => g.block),
    ]);
  }
  if (kept.length) {
    await session.query(
      `INSERT INTO metric_series_blocks (metric_id, block, n, first_seen_ms, last_seen_ms, data)
       SELECT m, k, n, f, l, decode(d, 'hex') FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int8[], $5::int8[], $6::text[]) AS x(m, k, n, f, l, d)
       ON CONFLICT (metric_id, block) DO UPDATE SET n = EXCLUDED.n, first_seen_ms = EXCLUDED.first_seen_ms, last_seen_ms = EXCLUDED.last_seen_ms, data = EXCLUDED.data`,
      [
        kept.map((k) => k.block.metricId),
        kept.map((k) => k.block.block),
        kept.map((k) => k.block.entries.length),
        kept.map((k) => k.first),
        kept.map((k) => k.last),
        kept.map((k) => k.hex),
      ],
    );
  }
}
