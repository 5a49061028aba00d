// Search results: one row per trace with its root, services, size, errors, duration and start.
import Link from 'next/link';
import type { TraceSummary } from '@/lib/domain/trace';
import { formatAgo, formatDurationNs, formatTimestampNs, serviceColor } from '../ui/format';

export function TraceList({ traces, nowMs }: { traces: TraceSummary[]; nowMs: number }) {
  const longest = traces.reduce((max, trace) => (trace.durationNs > max ? trace.durationNs : max), 1n);
  return (
    <ol className="trace-list">
      {traces.map((trace) => {
        const width = Math.max(0.5, (Number(trace.durationNs) / Number(longest)) * 100);
        return (
          <li key={trace.traceId}>
            <Link href={`/traces/${trace.traceId}`} className="trace-row">
              <div className="trace-main">
                <div className="trace-title">
                  <span className="dot" style={{ background: serviceColor(trace.rootService) }} aria-hidden="true" />
                  <strong>{trace.rootService}</strong>
                  <span className="trace-root">{trace.rootName}</span>
                  {trace.hasRoot ? null : <span className="badge badge-warn" title="The root span has not been received">partial</span>}
                </div>
                <div className="trace-meta">
                  <span className="mono muted">{trace.traceId.slice(0, 12)}</span>
                  <span>
                    {trace.spanCount} span{trace.spanCount === 1 ? '' : 's'}
                  </span>
                  {trace.errorCount > 0 ? (
                    <span className="badge badge-error">
                      {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
                    </span>
                  ) : null}
                  <span className="chips">
                    {trace.services.map((service) => (
                      <span key={service.name} className="chip" title={`${service.spanCount} spans`}>
                        <span className="dot" style={{ background: serviceColor(service.name) }} aria-hidden="true" />
                        {service.name} <span className="muted">{service.spanCount}</span>
                      </span>
                    ))}
                  </span>
                </div>
              </div>
              <div className="trace-side">
                <div className="trace-duration">{formatDurationNs(trace.durationNs)}</div>
                <div className="duration-track" aria-hidden="true">
                  <div className="duration-bar" style={{ width: `${width}%` }} />
                </div>
                <div className="muted small" title={formatTimestampNs(trace.startNs)}>
                  {formatTimestampNs(trace.startNs).slice(11, 19)} · {formatAgo(trace.startNs, nowMs)}
                </div>
              </div>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
