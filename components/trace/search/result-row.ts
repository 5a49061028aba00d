// A search result as the client islands receive it: a TraceSummary with its bigints as numbers
// and text (server → client props must be plain JSON). Pure.
import type { TraceSummary } from '@/lib/domain/trace';

export interface ResultRow extends Omit<TraceSummary, 'startNs' | 'endNs' | 'durationNs'> {
  /** Unix ns as decimal text, and the same in ms for charts. */
  startNs: string;
  startMs: number;
  durationNs: number;
}

export function toResultRow(summary: TraceSummary): ResultRow {
  const { startNs, endNs: _endNs, durationNs, ...rest } = summary;
  return {
    ...rest,
    startNs: startNs.toString(),
    startMs: Number(startNs / 1_000_000n),
    durationNs: Number(durationNs),
  };
}
