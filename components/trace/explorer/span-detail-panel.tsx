'use client';
// The selected span in full: identity, kind, status, timing, attributes, resource, scope, events
// (with their attributes), the span's log records (span-logs.ts), links to other traces (and the
// spans elsewhere that link here).
import Link from 'next/link';
import { severityColor } from '@/components/logs/severity-style';
import { AttributeTable } from '@/components/ui/attribute-table';
import { formatDurationNs, formatTimestampNs, serviceColor } from '@/components/ui/format';
import { StatusCode, spanKindName } from '@/lib/domain/model';
import type { SpanLogMark } from './span-logs';
import { useSpanDetail, type DetailSource } from './use-trace';

interface Props {
  traceId: string;
  spanId: string;
  traceStartNs: bigint;
  source: DetailSource;
  logs?: readonly SpanLogMark[];
  onClose(): void;
}

export function SpanDetailPanel({ traceId, spanId, traceStartNs, source, logs, onClose }: Props) {
  const { data, error, isPending } = useSpanDetail(traceId, spanId, source);
  return (
    <aside className="detail-panel" aria-label="Span details" data-testid="span-detail">
      <div className="detail-head">
        <h3>Span details</h3>
        <button type="button" className="button-small" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </div>
      {isPending ? <p className="muted">Loading span {spanId}…</p> : null}
      {error ? <p className="error-text">Could not load the span: {error.message}</p> : null}
      {data ? <SpanDetailBody detail={data} traceStartNs={traceStartNs} logs={logs} /> : null}
    </aside>
  );
}

function SpanDetailBody({
  detail: { span, linkedFrom },
  traceStartNs,
  logs,
}: {
  detail: NonNullable<ReturnType<typeof useSpanDetail>['data']>;
  traceStartNs: bigint;
  logs: readonly SpanLogMark[] | undefined;
}) {
  const start = BigInt(span.startNs);
  const end = BigInt(span.endNs);
  const status = span.statusCode === StatusCode.ERROR ? 'error' : span.statusCode === StatusCode.OK ? 'ok' : 'unset';
  return (
    <div className="detail-body">
      <div className="detail-title">
        <span className="dot" style={{ background: serviceColor(span.resource.serviceName) }} aria-hidden="true" />
        <span className="muted">{span.resource.serviceName}</span>
        <strong>{span.name}</strong>
      </div>
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
          <dt>Duration</dt>
          <dd>{formatDurationNs(end - start)}</dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>
            +{formatDurationNs(start - traceStartNs)} <span className="muted">{formatTimestampNs(start)}</span>
          </dd>
        </div>
      </dl>
      <AttributeTable title="Attributes" attributes={span.attributes} />
      {span.droppedAttributesCount ? <p className="muted small">{span.droppedAttributesCount} attributes dropped by the SDK</p> : null}
      {logs && logs.length > 0 ? (
        <div className="attr-block">
          <h4>Logs ({logs.length})</h4>
          <ul className="event-list span-logs">
            {logs.map((mark, index) => (
              <li key={index} className="span-log">
                <span className="mono muted">+{formatDurationNs(BigInt(mark.entry.timeUnixNano) - start)}</span>{' '}
                <span className="span-log-level" style={{ color: severityColor(mark.entry.severity), borderColor: severityColor(mark.entry.severity) }}>
                  {mark.entry.severityText || mark.entry.severity}
                </span>
                {mark.inferred ? (
                  <span className="muted small" title="This record carries no span id: placed on this span by its service and time">
                    {' '}
                    (by service and time)
                  </span>
                ) : null}
                <div className="span-log-body mono">{mark.entry.body}</div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {span.events.length > 0 ? (
        <div className="attr-block">
          <h4>Events ({span.events.length})</h4>
          <ul className="event-list">
            {span.events.map((event, index) => (
              <li key={index}>
                <span className="mono muted">+{formatDurationNs(BigInt(event.timeNs) - start)}</span>{' '}
                <strong className={event.name === 'exception' ? 'error-text' : undefined}>{event.name || '(unnamed)'}</strong>
                <AttributeTable title="" attributes={event.attributes} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {span.links.length > 0 ? (
        <div className="attr-block">
          <h4>Links ({span.links.length})</h4>
          <ul className="event-list">
            {span.links.map((link) => (
              <li key={`${link.traceId}-${link.spanId}`}>
                <Link href={`/traces/${link.traceId}?span=${link.spanId}`} className="mono" data-testid="span-link">
                  {link.traceId.slice(0, 16)}… / {link.spanId}
                </Link>
                <AttributeTable title="" attributes={link.attributes} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {linkedFrom.length > 0 ? (
        <div className="attr-block">
          <h4>Linked from ({linkedFrom.length})</h4>
          <ul className="event-list">
            {linkedFrom.map((link) => (
              <li key={`${link.traceId}-${link.spanId}`}>
                <Link href={`/traces/${link.traceId}?span=${link.spanId}`}>
                  <span className="muted">{link.service}</span> {link.name}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <AttributeTable title={`Resource · ${span.resource.serviceName}`} attributes={span.resource.attributes} />
      {span.scope.name ? (
        <p className="muted small">
          Instrumentation scope: <span className="mono">{span.scope.name}</span> {span.scope.version}
        </p>
      ) : null}
    </div>
  );
}
