// The pages of /api/logs as the table shows them: their records in order, and how far back a search
// has read when its last page ended short of full with a cursor (a free-text search the index cannot
// answer reads a bounded number of rows per page and goes on from where it stopped).
import { decodeLogCursor, type LogEntry, type LogsPage } from '@/lib/contracts/logs-api';

export interface LogPagesView {
  entries: LogEntry[];
  /** Unix ms the search has read back to, while it goes on with pages that were not full. */
  searchedBackToMs?: number;
}

export function logPagesView(pages: readonly LogsPage[], pageSize: number): LogPagesView {
  const entries = pages.flatMap((page) => page.data);
  const last = pages[pages.length - 1];
  if (!last?.nextCursor || last.data.length >= pageSize) return { entries };
  return { entries, searchedBackToMs: Number(decodeLogCursor(last.nextCursor).timeNs / 1_000_000n) };
}
