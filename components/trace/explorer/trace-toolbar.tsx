'use client';
// The controls above the waterfall: search within the trace (highlight or filter, step through
// matches), critical path, expand/collapse all.
import { forwardRef } from 'react';

interface Props {
  search: string;
  onSearch(text: string): void;
  matchCount: number;
  searching: boolean;
  filter: boolean;
  onFilter(filter: boolean): void;
  onStep(direction: 1 | -1): void;
  critical: boolean;
  onCritical(on: boolean): void;
  onExpandAll(): void;
  onCollapseAll(): void;
}

export const TraceToolbar = forwardRef<HTMLInputElement, Props>(function TraceToolbar(props, ref) {
  const { search, onSearch, matchCount, searching, filter, onFilter, onStep, critical, onCritical, onExpandAll, onCollapseAll } = props;
  return (
    <div className="toolbar">
      <label className="toolbar-search">
        <span className="visually-hidden">Search spans</span>
        <input
          ref={ref}
          type="search"
          value={search}
          placeholder="Find spans: operation, service, span id, attribute value  ( / )"
          onChange={(event) => onSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onStep(event.shiftKey ? -1 : 1);
          }}
          spellCheck={false}
          data-testid="trace-search"
        />
      </label>
      {search.trim() ? (
        <span className="muted small" data-testid="match-count">
          {matchCount.toLocaleString('en-US')} match{matchCount === 1 ? '' : 'es'}
          {searching ? '…' : ''}
        </span>
      ) : null}
      <button type="button" className="button-small" onClick={() => onStep(-1)} disabled={matchCount === 0} aria-label="Previous match">
        ↑
      </button>
      <button type="button" className="button-small" onClick={() => onStep(1)} disabled={matchCount === 0} aria-label="Next match">
        ↓
      </button>
      <label className="toggle">
        <input type="checkbox" checked={filter} onChange={(event) => onFilter(event.target.checked)} /> only matches
      </label>
      <span className="toolbar-gap" />
      <label className="toggle" title="The chain of spans that determined the trace's duration">
        <input type="checkbox" checked={critical} onChange={(event) => onCritical(event.target.checked)} data-testid="critical-toggle" /> critical path
      </label>
      <button type="button" className="button-small" onClick={onExpandAll}>
        Expand all
      </button>
      <button type="button" className="button-small" onClick={onCollapseAll}>
        Collapse all
      </button>
    </div>
  );
});
