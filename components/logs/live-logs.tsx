'use client';
// The /logs page's live mode: subscribes to the collector's live tail (over the shared /live
// WebSocket) with the page's filters, shows arriving records newest first in the same virtualized
// table, and pauses/resumes without losing count of what arrived meanwhile (live-tail.ts).
import { useMemo, useRef, useState } from 'react';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { useLiveMessages } from '../live/use-live-messages';
import { LogDetail } from './log-detail';
import type { LogFilters } from './log-search-params';
import { LogTable } from './log-table';
import { initialLiveTail, MAX_LIVE_ROWS, pauseTail, receiveFrame, resumeTail, tailSubscription } from './live-tail';

export function LiveLogs({ endpoint, filters }: { endpoint: LiveEndpoint; filters: LogFilters }) {
  const [state, setState] = useState(initialLiveTail);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<LogEntry | undefined>();
  // A new id per filter, so frames of the previous subscription still in flight are ignored.
  const generation = useRef(0);
  const subscription = useMemo(() => tailSubscription(filters, `tail-${++generation.current}`), [filters]);
  const [seen, setSeen] = useState(subscription);
  if (seen !== subscription) {
    setSeen(subscription);
    setState(initialLiveTail);
    setError(undefined);
    setSelected(undefined);
  }
  const connected = useLiveMessages(
    endpoint,
    (message) => {
      if (message.type === 'log-tail' && message.id === subscription.id) setState((s) => receiveFrame(s, message));
      else if (message.type === 'log-tail-error' && message.id === subscription.id) setError(message.message);
    },
    subscription,
  );
  const index = selected ? state.rows.indexOf(selected) : -1;

  return (
    <>
      <div className="live-tail-bar" role="status" aria-label="Live tail">
        <span className={`live-dot${connected && !state.paused ? ' on' : ''}`} />
        <span>{connected ? (state.paused ? 'Paused' : 'Live') : 'Connecting to the collector…'}</span>
        <span className="muted small">
          {state.rows.length} records{state.rows.length >= MAX_LIVE_ROWS ? ` (the newest ${MAX_LIVE_ROWS})` : ''}
          {state.paused && state.held.length ? ` · ${state.held.length} new` : ''}
          {state.missed ? ` · ${state.missed} not shown (too many to stream)` : ''}
        </span>
        <button type="button" onClick={() => setState((s) => (s.paused ? resumeTail(s) : pauseTail(s)))} aria-pressed={state.paused}>
          {state.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => setState(initialLiveTail)}>
          Clear
        </button>
      </div>
      {error ? <p className="error-text">Live tail refused: {error}</p> : null}
      <div className={`logs-body${selected ? ' with-details' : ''}`}>
        <LogTable
          entries={state.rows}
          selected={index >= 0 ? index : undefined}
          onSelect={(i) => setSelected(state.rows[i])}
          hasMore={false}
          loadingMore={false}
          onLoadMore={() => {}}
          height="calc(100vh - 360px)"
        />
        {selected ? <LogDetail entry={selected} onClose={() => setSelected(undefined)} /> : null}
      </div>
    </>
  );
}
