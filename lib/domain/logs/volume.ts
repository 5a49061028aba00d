// Log volume per minute, service and severity range: what the collector adds to
// `log_volume_minutes` in the same transaction as the records it counts (so a batch written once is
// counted once), and what the logs page's histogram reads for a range too long to count row by row.
import { floorDiv } from '../integer-division';

export const NANOS_PER_MINUTE = 60_000_000_000n;

/**
 * A SeverityNumber's range as stored: the range's lowest number (1 trace, 5 debug, 9 info, 13 warn,
 * 17 error, 21 fatal), 0 for unspecified.
 */
export function severityGroup(severityNumber: number): number {
  return severityNumber >= 1 && severityNumber <= 24 ? ((severityNumber - 1) >> 2) * 4 + 1 : 0;
}

/** severityGroup in SQL, of the SeverityNumber column `column`. */
export function severityGroupSql(column: string): string {
  return `CASE WHEN ${column} BETWEEN 1 AND 24 THEN ((${column} - 1) / 4) * 4 + 1 ELSE 0 END`;
}

/** Records of one service and severity range in one minute (Unix ms of the minute's start). */
export type VolumeCount = [minuteMs: number, service: string, severityGroup: number, records: number];

/** Sums counts by (minute, service, severity range). */
export class VolumeCounter {
  private readonly counts = new Map<string, VolumeCount>();

  add(minuteMs: number, service: string, group: number, records: number): void {
    const key = `${minuteMs}\u0000${group}\u0000${service}`;
    const count = this.counts.get(key);
    if (count) count[3] += records;
    else this.counts.set(key, [minuteMs, service, group, records]);
  }

  addAll(counts: readonly VolumeCount[]): void {
    for (const [minuteMs, service, group, records] of counts) this.add(minuteMs, service, group, records);
  }

  /**
   * The sums in (minute, service, range) order: every writer adds to the shared rows in that
   * order, so two transactions never wait on each other's rows in a cycle.
   */
  rows(): VolumeCount[] {
    return [...this.counts.values()].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2]);
  }
}

/**
 * Counts records one at a time while a batch is encoded: a run of records of one service in one
 * minute costs an array increment each; the minute is worked out (a bigint division) only when a
 * record falls outside the current one.
 */
export class VolumeTally {
  private readonly counter = new VolumeCounter();
  private service = '';
  private minuteMs = 0;
  private minuteStart = 0n;
  private minuteEnd = 0n;
  private readonly run = new Float64Array(7);
  private pending = false;

  count(timeNs: bigint, service: string, severityNumber: number): void {
    if (timeNs < this.minuteStart || timeNs >= this.minuteEnd || service !== this.service) {
      this.flush();
      const minute = floorDiv(timeNs, NANOS_PER_MINUTE);
      this.minuteStart = minute * NANOS_PER_MINUTE;
      this.minuteEnd = this.minuteStart + NANOS_PER_MINUTE;
      this.minuteMs = Number(minute) * 60_000;
      this.service = service;
    }
    this.run[(severityGroup(severityNumber) + 3) >> 2]!++;
    this.pending = true;
  }

  /** The counts so far, in VolumeCounter.rows order. */
  rows(): VolumeCount[] {
    this.flush();
    return this.counter.rows();
  }

  private flush(): void {
    if (!this.pending) return;
    for (let i = 0; i < this.run.length; i++) {
      if (this.run[i] === 0) continue;
      this.counter.add(this.minuteMs, this.service, i === 0 ? 0 : i * 4 - 3, this.run[i]!);
      this.run[i] = 0;
    }
    this.pending = false;
  }
}
