'use client';
// `/logs`: filters and free text (kept in the URL), the volume histogram (drag to zoom), the
// virtualized table and a selected record's details. The time range is anchored when the filters
// are applied; "Refresh" moves a lookback range to now. "Live" swaps the table for the live tail
// of records matching the same filters (live-logs.tsx).
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState, type FormEvent } from 'react';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { SEVERITY_NAMES, type SeverityName } from '@/lib/domain/logs/severity';
import { LiveLogs } from './live-logs';
import { LogDetail } from './log-detail';
import { LogTable } from './log-table';
import { LogVolumeChart } from './log-volume-chart';
import { LOOKBACKS, logApiQuery, logFiltersToUrl, readLogFilters, type LogFilters, type Lookback } from './log-search-params';
import { severityColor } from './severity-style';
import { useLogs, useLogVolume } from './use-logs';

export function LogsClient({ liveEndpoint }: { liveEndpoint?: LiveEndpoint }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readLogFilters(params), [params]);
  const [anchorMs, setAnchorMs] = useState(() => Date.now());
  const [live, setLive] = useState(false);
  const apiQuery = useMemo(() => logApiQuery(filters, anchorMs), [filters, anchorMs]);
  const logs = useLogs(apiQuery, !live);
  const volume = useLogVolume(apiQuery);
  const [selected, setSelected] = useState<number | undefined>();
  const entries = logs.data?.entries ?? [];
  const searchedBackTo = logs.hasNextPage ? logs.data?.searchedBackToMs : undefined;
  const entry = selected !== undefined ? entries[selected] : undefined;

  const apply = useCallback(
    (next: LogFilters) => {
      setSelected(undefined);
      setAnchorMs(Date.now());
      router.replace(`${pathname}${logFiltersToUrl(next)}`, { scroll: false });
    },
    [router, pathname],
  );
  const loadMore = useCallback(() => void logs.fetchNextPage(), [logs]);

  return (
    <div className="logs-page">
      <FilterBar
        filters={filters}
        onApply={apply}
        onRefresh={() => setAnchorMs(Date.now())}
        live={live}
        onLive={liveEndpoint ? () => setLive(!live) : undefined}
      />
      {volume.data ? (
        <LogVolumeChart points={volume.data} onZoom={(startMs, endMs) => apply({ ...filters, startMs, endMs })} />
      ) : (
        <div className="log-volume placeholder" />
      )}
      {live && liveEndpoint ? <LiveLogs endpoint={liveEndpoint} filters={filters} /> : null}
      {!live && logs.error ? <p className="error-text">Could not load logs: {logs.error.message}</p> : null}
      {live ? null : (
        <div className={`logs-body${entry ? ' with-details' : ''}`}>
          <LogTable
            entries={entries}
            selected={selected}
            onSelect={setSelected}
            hasMore={!!logs.hasNextPage}
            loadingMore={logs.isFetchingNextPage}
            onLoadMore={loadMore}
            height="calc(100vh - 330px)"
          />
          {entry ? <LogDetail entry={entry} onClose={() => setSelected(undefined)} /> : null}
        </div>
      )}
      {live ? null : (
        <p className="muted small">
          {logs.isLoading ? 'Loading…' : `${entries.length}${logs.hasNextPage ? '+' : ''} records`}
          {searchedBackTo !== undefined ? ` · searched back to ${new Date(searchedBackTo).toISOString().slice(11, 19)} UTC` : ''}
        </p>
      )}
    </div>
  );
}

function FilterBar({
  filters,
  onApply,
  onRefresh,
  live,
  onLive,
}: {
  filters: LogFilters;
  onApply(next: LogFilters): void;
  onRefresh(): void;
  live: boolean;
  /** Absent when the page has no live endpoint. */
  onLive?: () => void;
}) {
  const [draft, setDraft] = useState(filters);
  const [attrText, setAttrText] = useState(filters.attrs.join(' '));
  const [seen, setSeen] = useState(filters);
  if (seen !== filters) {
    // The URL changed (zoom, back button): show what it says.
    setSeen(filters);
    setDraft(filters);
    setAttrText(filters.attrs.join(' '));
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...draft, attrs: attrText.split(/\s+/).filter((a) => a.includes(':')) });
  };
  const toggle = (name: SeverityName) =>
    setDraft({ ...draft, severities: draft.severities.includes(name) ? draft.severities.filter((s) => s !== name) : [...draft.severities, name] });
  const zoomed = filters.startMs !== undefined;
  return (
    <form className="log-filters" onSubmit={submit} role="search">
      <input className="log-q" placeholder="Search log text…" aria-label="Search log text" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
      <input placeholder="service" aria-label="Service" value={draft.service} onChange={(e) => setDraft({ ...draft, service: e.target.value })} />
      <input placeholder="trace id" aria-label="Trace id" value={draft.traceId} onChange={(e) => setDraft({ ...draft, traceId: e.target.value.trim() })} />
      <input
        placeholder="correlation id"
        aria-label="Correlation id"
        value={draft.correlationId}
        onChange={(e) => setDraft({ ...draft, correlationId: e.target.value.trim() })}
      />
      <input placeholder="key:value …" aria-label="Attribute filters" value={attrText} onChange={(e) => setAttrText(e.target.value)} />
      <div className="log-severities" role="group" aria-label="Severities">
        {SEVERITY_NAMES.map((name) => (
          <button
            key={name}
            type="button"
            aria-pressed={draft.severities.includes(name)}
            className={draft.severities.includes(name) ? 'active' : undefined}
            style={{ borderColor: severityColor(name), color: draft.severities.includes(name) ? '#0e1014' : severityColor(name), background: draft.severities.includes(name) ? severityColor(name) : 'transparent' }}
            onClick={() => toggle(name)}
          >
            {name}
          </button>
        ))}
      </div>
      {zoomed ? (
        <button type="button" onClick={() => onApply({ ...draft, startMs: undefined, endMs: undefined })} title="Back to the lookback range">
          {new Date(filters.startMs!).toISOString().slice(11, 19)}–{new Date(filters.endMs!).toISOString().slice(11, 19)} ×
        </button>
      ) : (
        <select aria-label="Time range" value={draft.lookback} onChange={(e) => onApply({ ...draft, lookback: e.target.value as Lookback })}>
          {LOOKBACKS.map(([id]) => (
            <option key={id} value={id}>
              Last {id}
            </option>
          ))}
        </select>
      )}
      <button type="submit" className="primary">
        Search
      </button>
      <button type="button" onClick={onRefresh} disabled={live}>
        Refresh
      </button>
      {onLive ? (
        <button type="button" className={live ? 'live-toggle on' : 'live-toggle'} aria-pressed={live} onClick={onLive} title="Stream new records matching these filters">
          Live
        </button>
      ) : null}
    </form>
  );
}
