'use client';
// One log record's details: the full body, ids with "open trace" / "open correlation", its
// attributes and its resource.
import Link from 'next/link';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { AttributeTable } from '../ui/attribute-table';
import { severityColor } from './severity-style';

export function LogDetail({ entry, onClose }: { entry: LogEntry; onClose(): void }) {
  return (
    <aside className="log-detail" aria-label="Log record details">
      <header>
        <span className="log-level" style={{ color: severityColor(entry.severity), borderColor: severityColor(entry.severity) }}>
          {entry.severityText || entry.severity}
        </span>
        <strong>{entry.service}</strong>
        <span className="mono muted small">{entry.time}</span>
        <button type="button" className="close" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <pre className="log-detail-body">{entry.body}</pre>
      <div className="log-detail-links">
        {entry.traceId ? (
          <Link href={`/traces/${entry.traceId}${entry.spanId ? `?span=${entry.spanId}` : ''}`} className="button">
            Open trace
          </Link>
        ) : null}
        {entry.correlationId ? (
          <Link href={`/correlation/${encodeURIComponent(entry.correlationId)}`} className="button">
            Open correlation
          </Link>
        ) : null}
      </div>
      <table className="attr-table">
        <tbody>
          {entry.traceId ? (
            <tr>
              <th>trace id</th>
              <td className="mono">{entry.traceId}</td>
            </tr>
          ) : null}
          {entry.spanId ? (
            <tr>
              <th>span id</th>
              <td className="mono">{entry.spanId}</td>
            </tr>
          ) : null}
          {entry.correlationId ? (
            <tr>
              <th>correlation id</th>
              <td className="mono">{entry.correlationId}</td>
            </tr>
          ) : null}
          <tr>
            <th>time (ns)</th>
            <td className="mono">{entry.timeUnixNano}</td>
          </tr>
        </tbody>
      </table>
      <AttributeTable attributes={entry.attributes} title="Attributes" />
      <AttributeTable attributes={entry.resource} title="Resource" />
    </aside>
  );
}
