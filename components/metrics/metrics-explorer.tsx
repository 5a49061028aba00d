'use client';
// `/metrics`: pick a metric (autocomplete with TYPE and HELP), narrow it with label filters, or
// write PromQL directly; the result is charted over the chosen range and step. The URL holds the
// query, range, end and step (explorer-state.ts), so a view can be bookmarked and shared.
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { formatSelector, parseSeriesSelector } from '@/lib/domain/metrics/selector';
import type { LabelMatcher } from '@/lib/domain/metrics/types';
import { formatPromDuration, parsePromDuration } from '@/lib/domain/metrics/duration';
import { autoStepMs, errorColumn, explorerSearch, RANGE_PRESETS, type ExplorerState } from './explorer-state';
import { LabelFilters } from './label-filters';
import { familyMetadata, MetricPicker } from './metric-picker';
import { MetricsChart } from './metrics-chart';
import { PromApiError, useMetadata, useMetricNames, useRangeQuery } from './use-prom-api';
import './metrics-explorer.css';

/** The metric and filters of a query that is a plain selector, so the picker and filters can show it. */
function selectorParts(query: string): { metric: string | null; filters: LabelMatcher[] } {
  try {
    const matchers = parseSeriesSelector(query);
    const name = matchers.find((m) => m.name === '__name__' && m.type === '=');
    return { metric: name?.value ?? null, filters: matchers.filter((m) => m !== name) };
  } catch {
    return { metric: null, filters: [] };
  }
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function MetricsExplorer({ initial }: { initial: ExplorerState }) {
  const router = useRouter();
  const pathname = usePathname();
  const [state, setState] = useState(initial);
  const [draft, setDraft] = useState(initial.query);
  const initialParts = useMemo(() => selectorParts(initial.query), [initial.query]);
  const [metric, setMetric] = useState<string | null>(initialParts.metric);
  const [filters, setFilters] = useState<LabelMatcher[]>(initialParts.filters);
  const [now, setNow] = useState(() => Date.now());

  const names = useMetricNames();
  const metadata = useMetadata();

  // A live view ("now") moves its window every 30 s.
  useEffect(() => {
    if (state.endMs !== null) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [state.endMs]);

  const update = (patch: Partial<ExplorerState>) => {
    const next = { ...state, ...patch };
    if (patch.range !== undefined) next.rangeMs = parsePromDuration(patch.range) ?? state.rangeMs;
    setState(next);
    setNow(Date.now());
    router.replace(`${pathname}${explorerSearch(next)}`, { scroll: false });
  };
  const run = (query: string) => {
    setDraft(query);
    update({ query });
  };

  const endMs = state.endMs ?? now;
  const stepMs = state.stepMs ?? autoStepMs(state.rangeMs);
  const input = state.query.trim() ? { query: state.query, startMs: Math.floor((endMs - state.rangeMs) / stepMs) * stepMs, endMs, stepMs } : null;
  const result = useRangeQuery(input, state.endMs === null);
  const error = result.error instanceof PromApiError ? result.error : result.error ? new PromApiError('internal', String(result.error.message)) : null;
  const column = error && error.errorType === 'bad_data' ? errorColumn(error.message) : undefined;
  const meta = metric ? familyMetadata(metric, metadata.data) : undefined;

  return (
    <div className="metrics-explorer">
      <section className="explorer-controls">
        <div className="explorer-row">
          <MetricPicker
            names={names.data ?? []}
            metadata={metadata.data}
            value={metric ?? ''}
            onPick={(name) => {
              setMetric(name);
              setFilters([]);
              run(name);
            }}
          />
          {meta && (
            <p className="metric-meta">
              <span className={`metric-type type-${meta.type}`}>{meta.type}</span> {meta.help}
              {meta.unit && <span className="muted"> ({meta.unit})</span>}
            </p>
          )}
        </div>
        {metric && (
          <LabelFilters
            metric={metric}
            filters={filters}
            onChange={setFilters}
            onApply={() => run(formatSelector([{ name: '__name__', type: '=', value: metric }, ...filters.filter((f) => f.name !== '')]))}
          />
        )}
        <form
          className="promql-editor"
          onSubmit={(e) => {
            e.preventDefault();
            run(draft);
          }}
        >
          <label htmlFor="promql" className="muted small">
            PromQL
          </label>
          <div className="promql-input-row">
            <textarea
              id="promql"
              className={`mono${error?.errorType === 'bad_data' ? ' invalid' : ''}`}
              rows={Math.min(6, Math.max(1, draft.split('\n').length))}
              value={draft}
              spellCheck={false}
              placeholder='e.g. rate(http_requests_total{job="api"}[5m])'
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  run(draft);
                }
              }}
              aria-invalid={error?.errorType === 'bad_data'}
              aria-describedby={error ? 'promql-error' : undefined}
            />
            <button type="submit">Run</button>
          </div>
          {error && (
            <div id="promql-error" className="promql-error" role="alert">
              {column !== undefined && state.query && (
                <pre className="mono error-pointer">
                  {state.query.split('\n')[0]}
                  {'\n'}
                  {' '.repeat(Math.max(0, column - 1))}^
                </pre>
              )}
              <span>{error.message}</span>
            </div>
          )}
        </form>
        <div className="explorer-row time-controls">
          <label>
            <span className="muted small">Range</span>
            <select value={state.range} onChange={(e) => update({ range: e.target.value })}>
              {(RANGE_PRESETS as readonly string[]).includes(state.range) ? null : <option value={state.range}>{state.range}</option>}
              {RANGE_PRESETS.map((r) => (
                <option key={r} value={r}>
                  Last {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="muted small">Ending</span>
            <input
              type="datetime-local"
              value={state.endMs === null ? '' : toLocalInput(state.endMs)}
              onChange={(e) => update({ endMs: e.target.value ? new Date(e.target.value).getTime() : null })}
            />
          </label>
          {state.endMs !== null && (
            <button type="button" onClick={() => update({ endMs: null })}>
              Now
            </button>
          )}
          <label>
            <span className="muted small">Step</span>
            <input
              className="mono step-input"
              placeholder={`auto (${formatPromDuration(autoStepMs(state.rangeMs))})`}
              defaultValue={state.stepMs === null ? '' : formatPromDuration(state.stepMs)}
              onBlur={(e) => {
                const ms = e.target.value.trim() ? parsePromDuration(e.target.value.trim()) : null;
                if (ms === undefined || ms === 0) e.target.setCustomValidity('a duration like 15s, 1m');
                else {
                  e.target.setCustomValidity('');
                  update({ stepMs: ms });
                }
              }}
            />
          </label>
          {result.isFetching && <span className="muted small">Loading…</span>}
        </div>
      </section>
      <section className="explorer-result">
        {!state.query.trim() ? (
          <p className="muted">Pick a metric or type a PromQL query, then Run (Enter).</p>
        ) : error ? (
          <p className="muted">No result: {error.errorType === 'bad_data' ? 'fix the query above.' : 'the query failed (see above).'}</p>
        ) : result.data ? (
          result.data.result.length === 0 ? (
            <p className="muted">No data for this query in the chosen range. Samples reach queries within about 10 s of being scraped.</p>
          ) : (
            <MetricsChart result={result.data.result} rangeMs={state.rangeMs} />
          )
        ) : result.isLoading ? (
          <p className="muted">Loading…</p>
        ) : null}
      </section>
    </div>
  );
}
