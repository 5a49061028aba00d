'use client';
// Search results: one row per trace with its root, services (coloured chips), size, errors,
// duration and start; tick two rows to compare them.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type CSSProperties } from 'react';
import { formatAgo, formatNanos, formatTimestampNs, serviceColor } from '../ui/format';
import type { ResultRow } from './search/result-row';

export function TraceList({ traces, nowMs }: { traces: ResultRow[]; nowMs: number }) {
  const router = useRouter();
  const [picked, setPicked] = useState<string[]>([]);
  const longest = traces.reduce((max, trace) => Math.max(max, trace.durationNs), 1);
  const toggle = (id: string) => setPicked((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list.slice(-1), id]));
  return (
    <>
      <ol className="trace-list" data-testid="trace-list">
        {traces.map((trace) => {
          const width = Math.max(0.5, (trace.durationNs / longest) * 100);
          const startNs = BigInt(trace.startNs);
          return (
            <li key={trace.traceId} className="trace-item">
              <label className="trace-select" title="Pick two traces to compare">
                <input type="checkbox" checked={picked.includes(trace.traceId)} onChange={() => toggle(trace.traceId)} aria-label={`Pick ${trace.traceId} for comparison`} />
              </label>
              {/* Not prefetched: a result list of up to 1,500 links would otherwise ask the server for each one in view. */}
              <Link href={`/traces/${trace.traceId}`} className="trace-row" prefetch={false}>
                <div className="trace-main">
                  <div className="trace-title">
                    <span className="dot" style={{ background: serviceColor(trace.rootService) }} aria-hidden="true" />
                    <strong>{trace.rootService}</strong>
                    <span className="trace-root">{trace.rootName}</span>
                    {trace.hasRoot ? null : (
                      <span className="badge badge-warn" title="The root span has not been received">
                        partial
                      </span>
                    )}
                  </div>
                  <div className="trace-meta">
                    <span className="mono muted">{trace.traceId.slice(0, 12)}</span>
                    <span>
                      {trace.spanCount.toLocaleString('en-US')} span{trace.spanCount === 1 ? '' : 's'}
                    </span>
                    {trace.errorCount > 0 ? (
                      <span className="badge badge-error">
                        {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
                      </span>
                    ) : null}
                    <span className="chips">
                      {trace.services.map((service) => (
                        // Two elements a chip, the dot drawn by CSS: a result row lists up to every service of its trace.
                        <span key={service.name} className="chip chip-service" style={{ '--dot': serviceColor(service.name) } as CSSProperties} title={`${service.spanCount} spans`}>
                          {service.name} <span className="muted">{service.spanCount}</span>
                        </span>
                      ))}
                    </span>
                  </div>
                </div>
                <div className="trace-side">
                  <div className="trace-duration">{formatNanos(trace.durationNs)}</div>
                  <div className="duration-track" aria-hidden="true">
                    <div className="duration-bar" style={{ width: `${width}%` }} />
                  </div>
                  <div className="muted small" title={formatTimestampNs(startNs)}>
                    {formatTimestampNs(startNs).slice(11, 19)} · {formatAgo(startNs, nowMs)}
                  </div>
                </div>
              </Link>
            </li>
          );
        })}
      </ol>
      {picked.length > 0 ? (
        <div className="compare-bar">
          <span className="muted small">{picked.length === 1 ? 'Pick one more trace to compare' : 'Two traces picked'}</span>
          <button
            type="button"
            className="button-small"
            disabled={picked.length < 2}
            onClick={() => router.push(`/traces/compare?a=${picked[0]}&b=${picked[1]}`)}
            data-testid="compare-picked"
          >
            Compare
          </button>
        </div>
      ) : null}
    </>
  );
}
