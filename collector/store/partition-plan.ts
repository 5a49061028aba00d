// Pure rules for the daily range partitions of a table keyed by Unix nanoseconds (`spans` by
// start_ns; other signals' tables the same way): which day a row falls in, what a day's partition
// is called and bounded by, which days may get a partition of their own and which partitions
// retention drops. The clock is passed in.
import { floorDiv } from '../../lib/domain/integer-division';
import type { Nanos } from '../../lib/domain/model';

export const NANOS_PER_DAY = 86_400_000_000_000n;

/** A table range-partitioned by day on a nanosecond column. */
export interface PartitionedTable {
  /** Table name; partitions are `<name>_pYYYYMMDD` and `<name>_default`. */
  name: string;
  /** The bigint column of Unix nanoseconds it is partitioned on. */
  column: string;
}

export function defaultPartition(table: string): string {
  return `${table}_default`;
}

/** Days since the Unix epoch (UTC) of a nanosecond timestamp; negative before 1970. */
export function dayOf(ns: Nanos): number {
  return Number(floorDiv(ns, NANOS_PER_DAY));
}

export function dayBounds(day: number): { from: Nanos; to: Nanos } {
  const from = BigInt(day) * NANOS_PER_DAY;
  return { from, to: from + NANOS_PER_DAY };
}

export function partitionName(day: number, table: string): string {
  const date = new Date(day * 86_400_000);
  const yyyy = String(date.getUTCFullYear()).padStart(4, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return `${table}_p${yyyy}${mm}${dd}`;
}

/** Inverse of partitionName(); undefined for names that are not daily partitions of `table`. */
export function dayOfPartition(name: string, table: string): number | undefined {
  if (!name.startsWith(`${table}_p`)) return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(name.slice(table.length + 2));
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(ms) ? Math.floor(ms / 86_400_000) : undefined;
}

export interface RetentionPolicy {
  retentionDays: number;
  /** Days ahead of today that still get their own partition (clock skew, time zones). */
  futureDays: number;
}

/**
 * The days that may get a daily partition at `nowMs`. Spans outside this window (a client clock in
 * 1970, an example payload from 2018) go to the default partition instead, so a hostile or broken
 * client cannot make us create thousands of tables.
 */
export function partitionWindow(nowMs: number, policy: RetentionPolicy): { firstDay: number; lastDay: number } {
  const today = Math.floor(nowMs / 86_400_000);
  return { firstDay: today - policy.retentionDays, lastDay: today + policy.futureDays };
}

/** Daily partitions that retention drops: every one that ended before the retention cut-off. */
export function partitionsToDrop(existing: readonly string[], nowMs: number, policy: RetentionPolicy, table: string): string[] {
  const { firstDay } = partitionWindow(nowMs, policy);
  return existing.filter((name) => {
    const day = dayOfPartition(name, table);
    return day !== undefined && day < firstDay;
  });
}

/** Rows in the default partition older than this are deleted by retention. */
export function retentionCutoffNs(nowMs: number, policy: RetentionPolicy): Nanos {
  return dayBounds(partitionWindow(nowMs, policy).firstDay).from;
}
