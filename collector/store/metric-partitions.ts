// Daily range partitions of metric_chunks (keyed by start_ms, Unix milliseconds): created on demand
// for the days chunks start in, dropped whole once older than MESHLIGHT_METRICS_RETENTION_DAYS.
// Series not seen since the cut-off, and their open chunks, are deleted with them.
import { idArrayText } from '../../lib/db/metrics/series-lookup';
import { scanSeriesBlock } from '../../lib/domain/metrics/series-block';
import { lockMetricBlocks, metricGroups, writeBlocks } from './metric-series-blocks';
import type { SqlExecutor } from './sql-executor';

const DAY_MS = 86_400_000;
const PARENT = 'metric_chunks';
const DEFAULT_PARTITION = 'metric_chunks_default';
const NAME = /^metric_chunks_p(\d{4})(\d{2})(\d{2})$/;

export function metricPartitionName(day: number): string {
  return `metric_chunks_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export function dayOfMetricPartition(name: string): number | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : undefined;
}

export interface MetricRetentionReport {
  droppedPartitions: string[];
  deletedSeries: number;
}

export class MetricPartitionManager {
  private readonly known = new Set<number>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<void> {
    for (const name of await this.list()) {
      const day = dayOfMetricPartition(name);
      if (day !== undefined) this.known.add(day);
    }
  }

  /** Days outside [today - retention, today + 1] stay in the default partition (skewed clocks, replays). */
  async ensureDays(days: Iterable<number>): Promise<void> {
    const today = Math.floor(this.now() / DAY_MS);
    for (const day of new Set(days)) {
      if (this.known.has(day) || day < today - this.retentionDays || day > today + 1) continue;
      await this.create(day);
      this.known.add(day);
    }
  }

  async applyRetention(): Promise<MetricRetentionReport> {
    const nowMs = this.now();
    const firstDay = Math.floor(nowMs / DAY_MS) - this.retentionDays;
    const cutoffMs = firstDay * DAY_MS;
    const dropped: string[] = [];
    for (const name of await this.list()) {
      const day = dayOfMetricPartition(name);
      if (day !== undefined && day < firstDay) {
        await this.db.query(`DROP TABLE IF EXISTS "${name}"`);
        this.known.delete(day);
        dropped.push(name);
      }
    }
    await this.db.query(`DELETE FROM "${DEFAULT_PARTITION}" WHERE start_ms < $1`, [cutoffMs]);
    await this.db.query('DELETE FROM metric_head_segments WHERE end_ms < $1', [cutoffMs]);
    await this.db.query('DELETE FROM metric_head_blocks WHERE end_ms < $1', [cutoffMs]);
    // Series not seen since the cut-off leave their blocks (the metrics' locks held, as writers do).
    const stale = await this.db.query<{ metric_id: number }>('SELECT DISTINCT metric_id FROM metric_series_blocks WHERE first_seen_ms < $1', [cutoffMs]);
    let deletedSeries = 0;
    for (const group of metricGroups(stale.map((row) => Number(row.metric_id)))) {
      deletedSeries += await this.db.transaction(async (session) => {
        let deleted = 0;
        const blocks = await lockMetricBlocks(session, group);
        for (const list of blocks.values()) {
          for (const block of list) {
            const kept = block.entries.filter((e) => e.lastSeenMs >= cutoffMs);
            if (kept.length === block.entries.length) continue;
            deleted += block.entries.length - kept.length;
            block.entries = kept;
            block.changed = true;
          }
        }
        await writeBlocks(session, [...blocks.values()].flat());
        return deleted;
      });
    }
    if (deletedSeries > 0) {
      // Label pairs no series holds any more. The SHARE lock waits for collectors registering series
      // (their pair inserts and series blocks are one transaction) and holds new ones off meanwhile.
      await this.db.transaction(async (session) => {
        await session.query('LOCK TABLE metric_label_pairs IN SHARE MODE');
        const held = new Set<number>();
        for (const row of await session.query<{ metric_id: number; data: Uint8Array }>('SELECT metric_id, data FROM metric_series_blocks')) {
          held.add(Number(row.metric_id));
          scanSeriesBlock(row.data, (entry) => entry.pairs.forEach((id) => held.add(id)));
        }
        await session.query(
          // An anti join (NOT IN over a large set would not be hashed past work_mem).
          'DELETE FROM metric_label_pairs p WHERE NOT EXISTS (SELECT 1 FROM unnest($1::int4[]) AS u(id) WHERE u.id = p.id)',
          [idArrayText(held)],
        );
      });
    }
    return { droppedPartitions: dropped, deletedSeries };
  }

  private async list(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = '${PARENT}' AND c.relname LIKE 'metric\\_chunks\\_p%'`,
    );
    return rows.map((row) => row.name);
  }

  /** Created detached, filled with the default partition's rows of that day, then attached (see partitions.ts). */
  private async create(day: number): Promise<void> {
    const name = metricPartitionName(day);
    const from = day * DAY_MS;
    const to = from + DAY_MS;
    try {
      await this.db.execInTransaction(`
        CREATE TABLE IF NOT EXISTS "${name}" (LIKE ${PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
        INSERT INTO "${name}" SELECT * FROM "${DEFAULT_PARTITION}" WHERE start_ms >= ${from} AND start_ms < ${to};
        DELETE FROM "${DEFAULT_PARTITION}" WHERE start_ms >= ${from} AND start_ms < ${to};
        ALTER TABLE ${PARENT} ATTACH PARTITION "${name}" FOR VALUES FROM (${from}) TO (${to});`);
    } catch (error) {
      const rows = await this.db.query<{ attached: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = $1) AS attached',
        [name],
      );
      if (rows[0]?.attached !== true) throw error;
    }
  }
}
