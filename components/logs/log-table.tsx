'use client';
// The log records as a virtualized table (@tanstack/react-virtual): only the visible rows are in
// the DOM, so tens of thousands of loaded records scroll smoothly. Reaching the end asks for the
// next page. A row shows time, severity (coloured), service, body and a link to its trace.
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { severityColor } from './severity-style';

const ROW_HEIGHT = 26;

export function logTime(entry: LogEntry): string {
  const iso = entry.time;
  const fraction = entry.timeUnixNano.slice(-9, -3); // µs within the second
  return `${iso.slice(5, 10)} ${iso.slice(11, 19)}.${fraction}`;
}

export function LogTable({
  entries,
  selected,
  onSelect,
  hasMore,
  loadingMore,
  onLoadMore,
  showService = true,
  height = 560,
}: {
  entries: LogEntry[];
  selected: number | undefined;
  onSelect(index: number): void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  showService?: boolean;
  height?: number | string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  // No row to see yet (a search's page can end empty where it stopped reading, with a cursor to go
  // on: lib/db/log-queries.ts) loads the next page too.
  useEffect(() => {
    if ((!last || last.index >= entries.length - 20) && hasMore && !loadingMore) onLoadMore();
  }, [last, entries.length, hasMore, loadingMore, onLoadMore]);

  return (
    <div className="log-table" role="table" aria-label="Log records" aria-rowcount={entries.length}>
      <div className="log-row log-head" role="row">
        <span role="columnheader">Time (UTC)</span>
        <span role="columnheader">Level</span>
        {showService ? <span role="columnheader">Service</span> : null}
        <span role="columnheader">Message</span>
        <span role="columnheader">Trace</span>
      </div>
      {/* max-height, not height: a short list takes only the room it needs. */}
      <div ref={scroller} className="log-scroll" style={{ maxHeight: height, minHeight: entries.length === 0 ? 60 : undefined }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const entry = entries[item.index]!;
            return (
              <div
                key={item.key}
                role="row"
                aria-selected={selected === item.index}
                className={`log-row${selected === item.index ? ' selected' : ''}${showService ? '' : ' no-service'}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(item.index)}
              >
                <span className="mono muted">{logTime(entry)}</span>
                <span className="log-level" style={{ color: severityColor(entry.severity), borderColor: severityColor(entry.severity) }}>
                  {entry.severityText || entry.severity}
                </span>
                {showService ? <span className="log-service">{entry.service}</span> : null}
                <span className="log-body mono">{entry.body}</span>
                <span>
                  {entry.traceId ? (
                    <Link href={`/traces/${entry.traceId}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {entry.traceId.slice(0, 8)}
                    </Link>
                  ) : entry.correlationId ? (
                    <Link href={`/correlation/${encodeURIComponent(entry.correlationId)}`} className="muted small" onClick={(e) => e.stopPropagation()} title="correlation id">
                      ⇄ {entry.correlationId.slice(0, 10)}
                    </Link>
                  ) : null}
                </span>
              </div>
            );
          })}
        </div>
        {/* An empty page with more to read (a bounded full-text walk) is not "no match" yet. */}
        {entries.length === 0 && !hasMore ? <p className="muted log-empty">No log records match.</p> : null}
        {entries.length === 0 && hasMore ? <p className="muted log-empty">No matches yet; searching older records…</p> : null}
        {loadingMore && entries.length > 0 ? <p className="muted small log-empty">Loading more…</p> : null}
      </div>
    </div>
  );
}
