'use client';
// The trace page's client island: loads the trace (or takes an uploaded one), then shows its
// header and one of three views: the waterfall (with minimap, search, critical path, span
// details), the flame graph, or the statistics table. The URL keeps the view and the selected span
// (`?view=flame`, `?span=<id>`), so a link can point at a span.
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLogs } from '@/components/logs/use-logs';
import { Notice } from '@/components/ui/notice';
import type { UploadedTrace } from '@/lib/contracts/trace-explorer-api';
import { ancestors, parentsOf, visibleRows } from '@/lib/domain/span-tree';
import { matchSpans, type CompactTracePart } from '@/lib/domain/trace-model';
import { Minimap } from '../waterfall/minimap';
import type { TimeWindow } from '../waterfall/time-window';
import { Waterfall, type WaterfallHandle } from '../waterfall/waterfall';
import { filterRows, indexCriticalPath, prepareTrace, type CriticalIndex, type PreparedTrace } from './prepared-trace';
import { SpanDetailPanel } from './span-detail-panel';
import { logsBySpan } from './span-logs';
import { TraceSummaryHeader } from './trace-summary-header';
import { TraceToolbar } from './trace-toolbar';
import { useAttributeSearch, useTrace, type DetailSource } from './use-trace';

// The flame graph, statistics and logs load when first shown: the waterfall, what a trace opens
// on, does not wait for their code.
const FlameGraphView = dynamic(() => import('./flame-graph-view').then((m) => m.FlameGraphView), { ssr: false });
const TraceStatsTable = dynamic(() => import('./trace-stats-table').then((m) => m.TraceStatsTable), { ssr: false });
const TraceLogs = dynamic(() => import('../../logs/trace-logs').then((m) => m.TraceLogs), { ssr: false });

type View = 'waterfall' | 'flame' | 'stats' | 'logs';
const VIEWS: [View, string][] = [
  ['waterfall', 'Waterfall'],
  ['flame', 'Flame graph'],
  ['stats', 'Statistics'],
  ['logs', 'Logs'],
];

/**
 * A stored trace. `initial`: the whole trace, when the page had it (small traces); `children`: what
 * to show while the trace loads (the page's server-rendered first screen of a large one).
 */
export function StoredTraceExplorer({ traceId, initial, children }: { traceId: string; initial?: CompactTracePart; children?: ReactNode }) {
  const { data, error, isPending } = useTrace(traceId, initial);
  if (isPending) return children ?? <p className="muted loading">Loading trace {traceId}…</p>;
  if (error?.status === 404) {
    return (
      <Notice title="Trace not found">
        <p>
          No span of trace <code>{traceId}</code> has been stored. If it just happened, its spans may still be on their way
          (exporters batch for a few seconds); otherwise retention may have removed it. <Link href="/traces">Search recent traces</Link>.
        </p>
      </Notice>
    );
  }
  if (error) {
    return (
      <Notice title="Could not load the trace" tone="error">
        <p>{error.message}</p>
      </Notice>
    );
  }
  return <TraceExplorerView trace={data} source={{ kind: 'stored' }} />;
}

export function UploadedTraceExplorer({ upload }: { upload: UploadedTrace }) {
  const trace = useMemo(() => prepareTrace([upload.part]), [upload]);
  return <TraceExplorerView trace={trace} source={{ kind: 'uploaded', upload }} />;
}

function replaceQuery(changes: Record<string, string | undefined>) {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  window.history.replaceState(window.history.state, '', url);
}

function TraceExplorerView({ trace, source }: { trace: PreparedTrace; source: DetailSource }) {
  const { model, tree } = trace;
  const params = useSearchParams();
  const [view, setView] = useState<View>(() => (VIEWS.some(([v]) => v === params.get('view')) ? (params.get('view') as View) : 'waterfall'));
  const [selected, setSelected] = useState<number | undefined>(() => {
    const span = params.get('span');
    return span ? trace.nodeOf.get(span.toLowerCase()) : undefined;
  });
  const [detailsOpen, setDetailsOpen] = useState(selected !== undefined);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState(false);
  const [critical, setCritical] = useState(true);
  const [window, setWindow] = useState<TimeWindow>({ start: 0, end: trace.durationNs });
  const [viewRows, setViewRows] = useState<[number, number]>([0, 0]);
  const waterfall = useRef<WaterfallHandle>(null);
  const searchInput = useRef<HTMLInputElement>(null);

  // The critical path is drawn just after the rows, never before them: it is computed in the task
  // after the first frame with rows (rAF, then a timeout), so opening a 100,000-span trace does
  // not wait for it.
  const [criticalIndex, setCriticalIndex] = useState<{ tree: PreparedTrace['tree']; index: CriticalIndex } | undefined>();
  useEffect(() => {
    if (!critical) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setCriticalIndex({ tree, index: indexCriticalPath(tree) }), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [tree, critical]);
  const shownCritical = critical && criticalIndex?.tree === tree ? criticalIndex.index : undefined;
  // The trace's logs (the first page the Logs tab shows too; the same cached query) as markers on
  // the spans' bars and in the span details.
  const logQuery = useMemo(() => new URLSearchParams({ traceId: model.traceId }), [model.traceId]);
  const traceLogs = useLogs(logQuery, source.kind === 'stored');
  const logMarks = useMemo(() => (traceLogs.data?.entries.length ? logsBySpan(trace, traceLogs.data.entries) : undefined), [trace, traceLogs.data]);
  const attributeHits = useAttributeSearch(model.traceId, search, source.kind === 'stored');
  const matches = useMemo(() => {
    if (!search.trim()) return undefined;
    const extra = source.kind === 'uploaded' ? uploadedMatches(source.upload, search) : (attributeHits.data ?? []);
    return matchSpans(model, search, extra);
  }, [model, search, attributeHits.data, source]);
  const matchCount = useMemo(() => (matches ? matches.reduce((n, m) => n + m, 0) : 0), [matches]);
  const rows = useMemo(() => {
    const base = visibleRows(tree, collapsed);
    return filter && matches ? filterRows(base, tree, matches) : base;
  }, [tree, collapsed, filter, matches]);

  const spanId = selected !== undefined && selected < tree.spanCount ? model.spanIds[selected] : undefined;
  useEffect(() => replaceQuery({ span: spanId, view: view === 'waterfall' ? undefined : view }), [spanId, view]);

  // A deep-linked span: make sure it is visible and scrolled to, once.
  const revealed = useRef(false);
  useEffect(() => {
    if (revealed.current || selected === undefined) return;
    revealed.current = true;
    const hidden = ancestors(tree, selected).filter((node) => collapsed.has(node));
    if (hidden.length > 0) setCollapsed((set) => new Set([...set].filter((node) => !hidden.includes(node))));
    requestAnimationFrame(() => {
      const index = rows.indexOf(selected);
      if (index >= 0) waterfall.current?.scrollToRow(index);
    });
  }, [selected, tree, collapsed, rows]);

  // Paint marker for the browser benchmark (scripts/bench-trace-explorer.ts): the frame with the
  // first rows has been painted when the frame after it starts.
  useEffect(() => {
    if (view !== 'waterfall') return;
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('meshlight:waterfall-painted')));
  }, [view]);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key === '/' && target?.tagName !== 'INPUT' && target?.tagName !== 'TEXTAREA') {
        event.preventDefault();
        searchInput.current?.focus();
      }
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, []);

  const toggle = useCallback((node: number) => {
    setCollapsed((set) => {
      const next = new Set(set);
      if (next.has(node)) next.delete(node);
      else next.add(node);
      return next;
    });
  }, []);
  const select = useCallback((node: number | undefined) => {
    setSelected(node);
    if (node !== undefined) setDetailsOpen(true);
  }, []);
  const onViewport = useCallback((first: number, last: number) => setViewRows([first, last]), []);

  const step = (direction: 1 | -1) => {
    if (!matches) return;
    const current = selected === undefined ? -1 : rows.indexOf(selected);
    for (let k = 1; k <= rows.length; k++) {
      const index = (current + direction * k + rows.length * 2) % rows.length;
      const node = rows[index]!;
      if (node < tree.spanCount && matches[node]) {
        select(node);
        waterfall.current?.scrollToRow(index);
        return;
      }
    }
  };

  return (
    <div className="explorer">
      <TraceSummaryHeader trace={trace} stored={source.kind === 'stored'} />
      <div className="tabs" role="tablist">
        {VIEWS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={view === id} className={view === id ? 'active' : undefined} onClick={() => setView(id)}>
            {label}
          </button>
        ))}
      </div>
      {view === 'flame' ? <FlameGraphView trace={trace} /> : null}
      {view === 'stats' ? <TraceStatsTable trace={trace} /> : null}
      {view === 'logs' ? <TraceLogs traceId={model.traceId} /> : null}
      {view === 'waterfall' ? (
        <>
          <TraceToolbar
            ref={searchInput}
            search={search}
            onSearch={setSearch}
            matchCount={matchCount}
            searching={attributeHits.isFetching}
            filter={filter}
            onFilter={setFilter}
            onStep={step}
            critical={critical}
            onCritical={setCritical}
            onExpandAll={() => setCollapsed(new Set())}
            onCollapseAll={() => setCollapsed(parentsOf(tree))}
          />
          <Minimap trace={trace} rows={rows} window={window} viewRows={viewRows} onWindow={setWindow} onJumpToRow={(index) => waterfall.current?.scrollToRow(index)} />
          <div className={`explorer-body${detailsOpen && spanId ? ' with-details' : ''}`}>
            <Waterfall
              ref={waterfall}
              trace={trace}
              rows={rows}
              window={window}
              collapsed={collapsed}
              selected={selected}
              matches={matches}
              critical={shownCritical}
              logMarks={logMarks}
              onToggle={toggle}
              onSelect={select}
              onOpenDetails={() => setDetailsOpen(true)}
              onViewport={onViewport}
            />
            {detailsOpen && spanId ? (
              <SpanDetailPanel
                traceId={model.traceId}
                spanId={spanId}
                traceStartNs={model.baseNs}
                source={source}
                logs={selected !== undefined ? logMarks?.get(selected) : undefined}
                onClose={() => setDetailsOpen(false)}
              />
            ) : null}
          </div>
        </>
      ) : null}
    </div>
  );
}

/** Attribute search in an uploaded file: its details are all in memory. */
function uploadedMatches(upload: UploadedTrace, text: string): string[] {
  const needle = text.trim().toLowerCase();
  if (needle.length < 2) return [];
  return Object.values(upload.details)
    .filter((span) => JSON.stringify(span.attributes).toLowerCase().includes(needle) || span.statusMessage.toLowerCase().includes(needle))
    .map((span) => span.spanId);
}
