// The plain trace view: spans in tree order, indented by depth, each with a bar on the trace's time
// axis; <details> opens a span's attributes, events and links (resources are listed once, in the
// header). Server-rendered and capped at `maxRows` rows; the virtualized explorer replaces it later.
import type { CSSProperties } from 'react';
import { StatusCode, spanKindName, type Nanos } from '@/lib/domain/model';
import type { SpanTree } from '@/lib/domain/span-tree';
import type { TraceSpan } from '@/lib/domain/trace';
import { formatDurationNs, formatTimestampNs, serviceColor } from '../ui/format';
import { AttributeTable } from './attribute-table';

interface Props {
  tree: SpanTree<TraceSpan>;
  startNs: Nanos;
  durationNs: Nanos;
  maxRows: number;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function SpanList({ tree, startNs, durationNs, maxRows }: Props) {
  const total = Number(durationNs > 0n ? durationNs : 1n);
  const percent = (ns: Nanos) => (Number(ns - startNs) / total) * 100;
  const rows = tree.rows.slice(0, maxRows);
  return (
    <section className="span-list" aria-label="Spans">
      <div className="span-axis" aria-hidden="true">
        <div className="span-axis-label">Service · operation</div>
        <div className="span-axis-ticks">
          {TICKS.map((tick) => (
            <span key={tick} style={{ left: `${tick * 100}%` }}>
              {formatDurationNs(BigInt(Math.round(tick * total)))}
            </span>
          ))}
        </div>
      </div>
      {rows.map(({ span, depth, childCount, orphan }) => {
        const left = Math.min(percent(span.startNs), 99.85);
        const width = Math.max(0.15, Math.min((Number(span.endNs - span.startNs) / total) * 100, 100 - left));
        const label = labelPlacement(left, width);
        const isError = span.statusCode === StatusCode.ERROR;
        const color = serviceColor(span.resource.serviceName);
        return (
          <details key={span.spanId} className={`span-row${isError ? ' is-error' : ''}`}>
            <summary>
              <div className="span-label" style={{ paddingLeft: `${Math.min(depth, 40) * 14 + 8}px` }}>
                <span className="dot" style={{ background: color }} aria-hidden="true" />
                <span className="span-service">{span.resource.serviceName}</span>
                <span className="span-name">{span.name}</span>
                {childCount > 0 ? <span className="muted small">({childCount})</span> : null}
                {orphan ? <span className="badge badge-warn" title="Its parent span was not received">orphan</span> : null}
                {isError ? <span className="badge badge-error">error</span> : null}
              </div>
              <div className="span-timeline">
                <div className="span-bar" style={{ left: `${left}%`, width: `${width}%`, background: color }} />
                <span className={`span-duration span-duration-${label.side}`} style={label.style}>
                  {formatDurationNs(span.endNs - span.startNs)}
                </span>
              </div>
            </summary>
            <SpanDetails span={span} traceStartNs={startNs} />
          </details>
        );
      })}
      {tree.rows.length > maxRows ? (
        <p className="notice-inline muted">
          Showing the first {maxRows} of {tree.rows.length} spans in tree order. The full trace is available as Jaeger
          JSON from <code>/api/traces/{rows[0]?.span.traceId}</code>.
        </p>
      ) : null}
    </section>
  );
}

/** The duration label goes after the bar, before it when the bar ends near the right edge, or inside a bar that spans almost everything. */
function labelPlacement(left: number, width: number): { side: 'after' | 'before' | 'inside'; style: CSSProperties } {
  if (left + width < 85) return { side: 'after', style: { left: `${left + width}%` } };
  if (left > 12) return { side: 'before', style: { right: `${100 - left}%` } };
  return { side: 'inside', style: { left: `${left}%` } };
}

function SpanDetails({ span, traceStartNs }: { span: TraceSpan; traceStartNs: Nanos }) {
  const status = span.statusCode === StatusCode.ERROR ? 'error' : span.statusCode === StatusCode.OK ? 'ok' : 'unset';
  return (
    <div className="span-details">
      <dl className="facts small">
        <div>
          <dt>Span ID</dt>
          <dd className="mono">{span.spanId}</dd>
        </div>
        <div>
          <dt>Parent</dt>
          <dd className="mono">{span.parentSpanId || '—'}</dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{spanKindName(span.kind)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd className={status === 'error' ? 'error-text' : undefined}>
            {status}
            {span.statusMessage ? `: ${span.statusMessage}` : ''}
          </dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>
            +{formatDurationNs(span.startNs - traceStartNs)} <span className="muted">({formatTimestampNs(span.startNs)})</span>
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDurationNs(span.endNs - span.startNs)}</dd>
        </div>
        {span.scope.name ? (
          <div>
            <dt>Scope</dt>
            <dd>
              {span.scope.name}
              {span.scope.version ? ` ${span.scope.version}` : ''}
            </dd>
          </div>
        ) : null}
      </dl>
      <AttributeTable title="Attributes" attributes={span.attributes} />
      {span.events.length > 0 ? (
        <div className="attr-block">
          <h4>Events</h4>
          <ul className="event-list">
            {span.events.map((event, index) => (
              <li key={index}>
                <span className="mono muted">+{formatDurationNs(event.timeNs - span.startNs)}</span> <strong>{event.name}</strong>
                {Object.keys(event.attributes).length > 0 ? (
                  <AttributeTable title="" attributes={event.attributes} />
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {span.links.length > 0 ? (
        <div className="attr-block">
          <h4>Links</h4>
          <ul className="event-list">
            {span.links.map((link) => (
              <li key={`${link.traceId}-${link.spanId}`} className="mono">
                <a href={`/traces/${link.traceId}`}>{link.traceId}</a> / {link.spanId}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
