'use client';
// The trace view's Logs tab: every log of the trace, including those that only carried a
// correlation id learned for it (newest first, like /logs).
import { useCallback, useMemo, useState } from 'react';
import { LogDetail } from './log-detail';
import { LogTable } from './log-table';
import { useLogs } from './use-logs';

export function TraceLogs({ traceId }: { traceId: string }) {
  const query = useMemo(() => new URLSearchParams({ traceId }), [traceId]);
  const logs = useLogs(query);
  const [selected, setSelected] = useState<number | undefined>();
  const entries = logs.data?.entries ?? [];
  const entry = selected !== undefined ? entries[selected] : undefined;
  const loadMore = useCallback(() => void logs.fetchNextPage(), [logs]);
  if (logs.error) return <p className="error-text">Could not load logs: {logs.error.message}</p>;
  return (
    <div className="trace-logs">
      <p className="muted small">{logs.isLoading ? 'Loading…' : `${entries.length}${logs.hasNextPage ? '+' : ''} log records for this trace`}</p>
      <div className={`logs-body${entry ? ' with-details' : ''}`}>
        <LogTable
          entries={entries}
          selected={selected}
          onSelect={setSelected}
          hasMore={!!logs.hasNextPage}
          loadingMore={logs.isFetchingNextPage}
          onLoadMore={loadMore}
          height={480}
        />
        {entry ? <LogDetail entry={entry} onClose={() => setSelected(undefined)} /> : null}
      </div>
    </div>
  );
}
