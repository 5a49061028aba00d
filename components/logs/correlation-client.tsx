'use client';
// `/correlation/{id}`: the traces and logs of one correlation id on one timeline (a lane per
// service: traces as bars, logs as ticks), the traces as a list, and the logs as a table.
import Link from 'next/link';
import { useState } from 'react';
import { formatDurationNs, formatTimestampNs } from '../ui/format';
import { correlationTimeline } from './correlation-timeline';
import { LogDetail } from './log-detail';
import { LogTable } from './log-table';
import { severityColor } from './severity-style';
import { useCorrelation } from './use-logs';

export function CorrelationClient({ correlationId }: { correlationId: string }) {
  const view = useCorrelation(correlationId);
  const [selected, setSelected] = useState<number | undefined>();
  if (view.isLoading) return <p className="muted">Loading…</p>;
  if (view.error || !view.data) return <p className="error-text">Could not load correlation: {view.error?.message}</p>;
  const data = view.data;
  const timeline = correlationTimeline(data);
  const entry = selected !== undefined ? data.logs[selected] : undefined;
  return (
    <div className="correlation-page">
      <div className="page-header">
        <h1>
          Correlation <span className="mono">{correlationId}</span>
        </h1>
        <p className="muted">
          {data.traces.length} trace{data.traces.length === 1 ? '' : 's'} · {data.logs.length}
          {data.truncated ? '+' : ''} log records ·{' '}
          {timeline ? `${formatTimestampNs(timeline.startNs)} · ${formatDurationNs(timeline.endNs - timeline.startNs)}` : 'nothing recorded'}
        </p>
      </div>
      {timeline ? (
        <section className="correlation-timeline" aria-label="Timeline">
          {timeline.lanes.map((lane) => (
            <div className="correlation-lane" key={lane.service}>
              <span className="log-service">{lane.service}</span>
              <div className="correlation-track">
                {lane.bars.map((bar) => (
                  <Link
                    key={bar.traceId}
                    href={`/traces/${bar.traceId}`}
                    className={`correlation-bar${bar.error ? ' error' : ''}`}
                    style={{ left: `${bar.left * 100}%`, width: `${Math.max(bar.width * 100, 0.4)}%` }}
                    title={bar.label}
                  />
                ))}
                {lane.ticks.map((tick) => (
                  <span
                    key={tick.index}
                    className="correlation-tick"
                    style={{ left: `calc(${tick.left * 100}% - 1px)`, background: severityColor(tick.severity) }}
                    onClick={() => setSelected(tick.index)}
                    title={data.logs[tick.index]!.body}
                  />
                ))}
              </div>
            </div>
          ))}
        </section>
      ) : null}
      {data.traces.length > 0 ? (
        <section>
          <h3>Traces</h3>
          <ul className="correlation-traces">
            {data.traces.map((t) => (
              <li key={t.traceId}>
                <Link href={`/traces/${t.traceId}`} className="mono">
                  {t.traceId.slice(0, 16)}
                </Link>
                <span>
                  <strong>{t.rootService}</strong> {t.rootName}
                </span>
                <span className="muted">
                  {t.spanCount} spans · {formatDurationNs(BigInt(t.durationNs))} · {t.services.join(', ')}
                </span>
                {t.errorCount > 0 ? <span className="badge badge-error">{t.errorCount} errors</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h3>Logs</h3>
        <div className={`logs-body${entry ? ' with-details' : ''}`}>
          <LogTable entries={data.logs} selected={selected} onSelect={setSelected} hasMore={false} loadingMore={false} onLoadMore={() => {}} height={420} />
          {entry ? <LogDetail entry={entry} onClose={() => setSelected(undefined)} /> : null}
        </div>
      </section>
    </div>
  );
}
