// Creates a table's daily partitions on demand and drops them for retention (rules in
// partition-plan). One manager per partitioned table (`spans`, and other signals' tables).
import {
  dayBounds,
  defaultPartition,
  dayOfPartition,
  partitionName,
  partitionsToDrop,
  partitionWindow,
  retentionCutoffNs,
  type PartitionedTable,
  type RetentionPolicy,
} from './partition-plan';
import type { SqlExecutor } from './sql-executor';

export interface RetentionReport {
  table: string;
  dropped: string[];
  deletedFromDefault: number;
}

export class PartitionManager {
  private readonly known = new Set<number>();

  constructor(
    private readonly db: SqlExecutor,
    readonly table: PartitionedTable,
    private readonly policy: RetentionPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the partitions that already exist so that ensureDays() skips them. */
  async load(): Promise<void> {
    for (const name of await this.listDailyPartitions()) {
      const day = dayOfPartition(name, this.table.name);
      if (day !== undefined) this.known.add(day);
    }
  }

  /** Makes sure every given day inside the window has its partition; days outside use the default. */
  async ensureDays(days: Iterable<number>): Promise<void> {
    const { firstDay, lastDay } = partitionWindow(this.now(), this.policy);
    for (const day of days) {
      if (this.known.has(day) || day < firstDay || day > lastDay) continue;
      await this.createPartition(day);
      this.known.add(day);
    }
  }

  /** Pre-creates today's and the coming days' partitions so the hot path rarely has to. */
  async ensureUpcoming(): Promise<void> {
    const today = Math.floor(this.now() / 86_400_000);
    const days: number[] = [];
    for (let day = today; day <= today + this.policy.futureDays; day++) days.push(day);
    await this.ensureDays(days);
  }

  async applyRetention(): Promise<RetentionReport> {
    const nowMs = this.now();
    const { name: table, column } = this.table;
    const dropped = partitionsToDrop(await this.listDailyPartitions(), nowMs, this.policy, table);
    for (const name of dropped) {
      await this.db.query(`DROP TABLE IF EXISTS "${name}"`);
    }
    this.known.clear();
    await this.load();
    const deleted = await this.db.query<{ n: bigint | number }>(
      `WITH gone AS (DELETE FROM "${defaultPartition(table)}" WHERE ${column} < $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
      [retentionCutoffNs(nowMs, this.policy).toString()],
    );
    return { table, dropped, deletedFromDefault: Number(deleted[0]?.n ?? 0) };
  }

  private async listDailyPartitions(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = $1 AND starts_with(c.relname, $1 || '_p')`,
      [this.table.name],
    );
    return rows.map((row) => row.name);
  }

  /**
   * Creates a day's partition. Rows of that day may already sit in the default partition (they
   * arrived while the day was outside the window), and PostgreSQL refuses to create a partition
   * that would make default rows misplaced; so the partition is created detached, takes those rows
   * over, and is attached, all in one transaction.
   */
  private async createPartition(day: number): Promise<void> {
    const { name: table, column } = this.table;
    const name = partitionName(day, table);
    const fallback = defaultPartition(table);
    const { from, to } = dayBounds(day);
    try {
      await this.db.execInTransaction(`
        CREATE TABLE IF NOT EXISTS "${name}" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
        INSERT INTO "${name}" SELECT * FROM "${fallback}" WHERE ${column} >= ${from} AND ${column} < ${to};
        DELETE FROM "${fallback}" WHERE ${column} >= ${from} AND ${column} < ${to};
        ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM (${from}) TO (${to});`);
    } catch (error) {
      // Another collector (or an earlier run) created it first: that is the state we wanted.
      if (!(await this.partitionExists(name))) throw error;
    }
  }

  private async partitionExists(name: string): Promise<boolean> {
    const rows = await this.db.query<{ attached: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = $1) AS attached`,
      [name],
    );
    return rows[0]?.attached === true;
  }
}
