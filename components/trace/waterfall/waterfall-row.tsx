// One waterfall row: the tree label (indent, toggle, service, operation, badges) and the span's
// bar on the time axis with its events as markers, its log records as severity-coloured markers,
// its critical-path sections and its duration.
import { memo, type CSSProperties } from 'react';
import { formatNanos, serviceColor } from '@/components/ui/format';
import { StatusCode } from '@/lib/domain/model';
import { childCount, isPlaceholder } from '@/lib/domain/span-tree';
import { severityColor } from '@/components/logs/severity-style';
import type { PreparedTrace } from '../explorer/prepared-trace';
import type { SpanLogMark } from '../explorer/span-logs';
import { toPercent, type TimeWindow } from './time-window';

export const ROW_HEIGHT = 26;
const FIRST_ROW_TIMING = { elementtiming: 'meshlight-waterfall-first-row' };
const INDENT = 14;
const MAX_INDENT_LEVELS = 30;

export interface RowProps {
  trace: PreparedTrace;
  node: number;
  index: number;
  window: TimeWindow;
  collapsed: boolean;
  selected: boolean;
  match: boolean;
  critical: [number, number][] | undefined;
  /** The span's log records (span-logs.ts), time order. */
  logs?: readonly SpanLogMark[];
}

/**
 * A row holds no handlers: the waterfall listens on its canvas and finds the row (`data-node`) and
 * the toggle (`data-toggle`) the click came from (rowClick), so the same markup is also rendered on
 * the server as the first screen of a large trace (waterfall-preview.tsx) before any script runs.
 */
function WaterfallRowView({ trace, node, index, window, collapsed, selected, match, critical, logs }: RowProps) {
  const { model, tree } = trace;
  const placeholder = isPlaceholder(tree, node);
  const kids = childCount(tree, node);
  const depth = tree.depth[node]!;
  const start = tree.start[node]!;
  const end = tree.end[node]!;
  const service = placeholder ? '' : model.services[model.service[node]!]!;
  const name = placeholder ? `missing span ${tree.placeholderIds[node - tree.spanCount]}` : model.names[model.name[node]!]!;
  const error = !placeholder && model.status[node] === StatusCode.ERROR;
  const color = placeholder ? '#5c6372' : serviceColor(service);
  const left = toPercent(window, start);
  const width = Math.max(toPercent(window, end) - left, 0.08);
  // The duration goes after the bar, else before it, else (a bar across the whole view) inside it.
  const label = left + width < 80 ? 'after' : left > 15 ? 'before' : 'inside';
  const style: CSSProperties = { transform: `translateY(${index * ROW_HEIGHT}px)` };
  const className = `wf-row${selected ? ' is-selected' : ''}${error ? ' is-error' : ''}${match ? ' is-match' : ''}${placeholder ? ' is-placeholder' : ''}`;
  const events: number[] = [];
  if (!placeholder) for (let e = model.eventStart[node]!; e < model.eventStart[node + 1]!; e++) events.push(model.eventTime[e]!);
  return (
    <div className={className} style={style} role="row" aria-selected={selected} data-row={index} data-node={node} data-span={placeholder ? undefined : model.spanIds[node]}>
      <div className="wf-label" style={{ paddingLeft: Math.min(depth, MAX_INDENT_LEVELS) * INDENT + 4 }} role="gridcell">
        {kids > 0 ? (
          <button type="button" className="wf-toggle" aria-label={collapsed ? 'Expand' : 'Collapse'} aria-expanded={!collapsed} data-toggle="">
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="wf-toggle-space" />
        )}
        <span className="dot" style={{ background: color }} aria-hidden="true" />
        {placeholder ? null : <span className="wf-service">{service}</span>}
        {/* The first row's name is timed by the browser (Element Timing): when the waterfall was first painted, with the server's HTML or by the island (scripts/bench-trace-explorer.ts). */}
        <span className="wf-name" title={name} {...(index === 0 ? FIRST_ROW_TIMING : undefined)}>
          {name}
        </span>
        {collapsed && kids > 0 ? <span className="wf-count">+{tree.subtreeEnd[node]! - tree.position[node]! - 1}</span> : null}
        {placeholder ? <span className="badge badge-warn" title="This span's parent was never received">orphans</span> : null}
        {!placeholder && tree.skew[node] ? (
          <span className="badge badge-warn" title="Starts before its parent or ends after it: the hosts' clocks disagree">
            skew
          </span>
        ) : null}
        {error ? <span className="badge badge-error">error</span> : null}
        {!placeholder && model.hasLinks[node] ? (
          <span className="wf-link" title="Has links to other spans">
            ⇄
          </span>
        ) : null}
      </div>
      <div className="wf-timeline" role="gridcell">
        <div className="wf-bar" style={{ left: `${left}%`, width: `${width}%`, background: color }}>
          {critical?.map(([s, e]) => (
            <span
              key={s}
              className="wf-critical"
              style={{ left: `${((s - start) / Math.max(end - start, 1)) * 100}%`, width: `${((e - s) / Math.max(end - start, 1)) * 100}%` }}
            />
          ))}
          {events.map((t, i) => (
            <span key={i} className="wf-event" style={{ left: `${((t - start) / Math.max(end - start, 1)) * 100}%` }} />
          ))}
          {logs?.map((mark, i) => (
            <span
              key={`log-${i}`}
              className="wf-log"
              data-severity={mark.entry.severity}
              title={`${mark.entry.severityText || mark.entry.severity}: ${mark.entry.body.slice(0, 200)}`}
              style={{ left: `${Math.min(Math.max((mark.offsetNs - start) / Math.max(end - start, 1), 0), 1) * 100}%`, background: severityColor(mark.entry.severity) }}
            />
          ))}
        </div>
        <span className={`wf-duration ${label}`} style={label === 'after' ? { left: `${left + width}%` } : label === 'before' ? { right: `${100 - left}%` } : { left: `${Math.max(left, 0)}%` }}>
          {formatNanos(end - start)}
        </span>
      </div>
    </div>
  );
}

export const WaterfallRow = memo(WaterfallRowView);

/** The row a click inside the waterfall landed on, and whether it hit the row's expand/collapse toggle. */
export function rowClick(target: EventTarget | null): { node: number; toggle: boolean } | undefined {
  if (!(target instanceof Element)) return undefined;
  const row = target.closest<HTMLElement>('[data-node]');
  if (!row) return undefined;
  return { node: Number(row.dataset.node), toggle: target.closest('[data-toggle]') !== null };
}
