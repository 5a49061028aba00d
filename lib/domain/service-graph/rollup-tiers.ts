// Rollups are kept at three resolutions: minutes, 10-minute blocks and hours (the same counters,
// added up). A window is read as its ragged minute edges plus the whole blocks and hours between
// them, so a 1-hour window reads at most ~28 rows per edge instead of 60 and a day ~51 instead of
// 1,440. Blocks are aligned to the Unix epoch (UTC). Pure: the query side turns the segments into
// SQL, the collector uses blockStart() to file each minute into its blocks.
import { MINUTE_MS, minuteOf } from './rollup';

/** Coarser resolutions kept besides minutes, in minutes. */
export const BLOCK_MINUTES = [10, 60] as const;
export type BlockMinutes = (typeof BLOCK_MINUTES)[number];

/** Rows of one resolution covering [fromMs, toMs); resolution 1 = the minute table. */
export interface WindowSegment {
  resolutionMinutes: 1 | BlockMinutes;
  fromMs: number;
  toMs: number;
}

export function blockStart(minuteMs: number, blockMinutes: BlockMinutes): number {
  const size = blockMinutes * MINUTE_MS;
  return Math.floor(minuteMs / size) * size;
}

const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;
const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;

/**
 * The segments that cover every minute overlapping [startMs, endMs) exactly once, coarsest in the
 * middle. Empty segments are left out.
 */
export function windowSegments(startMs: number, endMs: number): WindowSegment[] {
  const from = minuteOf(startMs);
  const to = ceilTo(endMs, MINUTE_MS);
  const segments: WindowSegment[] = [];
  const push = (resolutionMinutes: WindowSegment['resolutionMinutes'], fromMs: number, toMs: number) => {
    if (toMs > fromMs) segments.push({ resolutionMinutes, fromMs, toMs });
  };
  split(from, to, 0);
  return segments.sort((a, b) => a.fromMs - b.fromMs);

  // Minutes up to the first whole block of the next resolution, then recurse, then minutes after.
  function split(fromMs: number, toMs: number, level: number): void {
    const resolution: WindowSegment['resolutionMinutes'] = level === 0 ? 1 : BLOCK_MINUTES[level - 1]!;
    const next = BLOCK_MINUTES[level];
    if (next === undefined) {
      push(resolution, fromMs, toMs);
      return;
    }
    const size = next * MINUTE_MS;
    const innerFrom = ceilTo(fromMs, size);
    const innerTo = floorTo(toMs, size);
    if (innerFrom >= innerTo) {
      push(resolution, fromMs, toMs);
      return;
    }
    push(resolution, fromMs, innerFrom);
    split(innerFrom, innerTo, level + 1);
    push(resolution, innerTo, toMs);
  }
}
