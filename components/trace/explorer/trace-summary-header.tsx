'use client';
// The trace header: root operation, the facts an incident needs first (duration, spans, depth,
// errors, start), services as coloured chips, and the actions: copy id, downloads, compare.
import Link from 'next/link';
import { useState } from 'react';
import { formatNanos, formatTimestampNs, serviceColor } from '@/components/ui/format';
import type { PreparedTrace } from './prepared-trace';

interface Props {
  trace: PreparedTrace;
  /** False for an uploaded file: there is nothing stored to download or compare. */
  stored: boolean;
}

export function TraceSummaryHeader({ trace, stored }: Props) {
  const { model, tree, summary } = trace;
  const [copied, setCopied] = useState(false);
  const traceId = model.traceId;
  async function copy() {
    try {
      await navigator.clipboard.writeText(traceId);
    } catch {
      // Clipboard refused (insecure origin): select-and-copy still works on the id itself.
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <div className="trace-header">
      <h1>
        <span className="muted">{summary.rootService}</span> {summary.rootName}
      </h1>
      <dl className="facts">
        <div>
          <dt>Trace ID</dt>
          <dd className="mono">
            {traceId}{' '}
            <button type="button" className="button-small" onClick={copy} data-testid="copy-trace-id">
              {copied ? 'Copied' : 'Copy'}
            </button>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTimestampNs(model.baseNs)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatNanos(summary.durationNs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd data-testid="span-count">{summary.spanCount.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Depth</dt>
          <dd>{summary.depth}</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd>{summary.services.length}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={summary.errorCount > 0 ? 'error-text' : undefined}>{summary.errorCount}</dd>
        </div>
      </dl>
      <div className="header-row">
        <div className="chips">
          {summary.services.map((service) => (
            <span key={service.name} className="chip">
              <span className="dot" style={{ background: serviceColor(service.name) }} aria-hidden="true" />
              {service.name} <span className="muted">{service.spanCount}</span>
              {service.errorCount > 0 ? <span className="error-text"> · {service.errorCount} err</span> : null}
            </span>
          ))}
        </div>
        <div className="header-actions">
          {stored ? (
            <>
              <a className="button-small" href={`/api/ui/traces/${traceId}/export?format=otlp`} download data-testid="download-otlp">
                OTLP JSON ↓
              </a>
              <a className="button-small" href={`/api/ui/traces/${traceId}/export?format=jaeger`} download>
                Jaeger JSON ↓
              </a>
              <Link className="button-small" href={`/traces/compare?a=${traceId}`}>
                Compare…
              </Link>
            </>
          ) : (
            <span className="badge badge-warn" title="Viewed from a file; nothing was stored">
              from a file
            </span>
          )}
          <Link className="button-small" href="/traces/upload">
            Open a file…
          </Link>
        </div>
      </div>
      {tree.orphanCount > 0 || tree.skewCount > 0 || model.duplicateCount > 0 ? (
        <p className="notice-inline muted small" data-testid="trace-warnings">
          {tree.orphanCount > 0 ? (
            <span className="badge badge-warn">
              {tree.orphanCount} orphan span{tree.orphanCount === 1 ? '' : 's'} under {tree.placeholderIds.length} missing parent
              {tree.placeholderIds.length === 1 ? '' : 's'}
            </span>
          ) : null}{' '}
          {tree.skewCount > 0 ? (
            <span className="badge badge-warn">
              {tree.skewCount} span{tree.skewCount === 1 ? '' : 's'} outside {tree.skewCount === 1 ? 'its' : 'their'} parent (clock skew)
            </span>
          ) : null}{' '}
          {model.duplicateCount > 0 ? <span>{model.duplicateCount} repeated span ids ignored</span> : null}
        </p>
      ) : null}
    </div>
  );
}
