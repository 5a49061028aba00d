'use client';
// The service page's island: a window picker, the service's RED charts, and each operation's RED
// (busiest first) with links to its traces, its slowest and its latest failing trace.
import Link from 'next/link';
import { useState } from 'react';
import { spanKindName } from '@/lib/domain/model';
import { RedCharts } from '../charts/red-charts';
import { traceLink, tracesLink } from '../service-map/links';
import { WINDOW_PRESETS } from '../service-map/map-state';
import { RedFacts } from '../service-map/node-panel';
import '../service-map/service-map.css';
import { useServiceRed } from '../service-map/use-service-red';
import { formatMs, formatPercent, formatRate } from '../ui/red-format';

export function ServicePageClient({ service, environment }: { service: string; environment: string | null }) {
  const [lookbackMs, setLookbackMs] = useState(60 * 60_000);
  const range = { lookbackMs, endMs: null };
  const red = useServiceRed(service, range, environment);
  const data = red.data;
  return (
    <>
      <div className="svc-toolbar">
        <div className="sm-segmented" role="group" aria-label="Window">
          {WINDOW_PRESETS.map((preset) => (
            <button key={preset.label} type="button" className={preset.ms === lookbackMs ? 'is-active' : undefined} onClick={() => setLookbackMs(preset.ms)}>
              {preset.label}
            </button>
          ))}
        </div>
        {environment && <span className="chip">environment: {environment}</span>}
        {red.isFetching && <span className="muted small">updating…</span>}
      </div>
      {red.isError && (
        <div className="notice notice-error">
          <h2>Cannot load this service’s RED</h2>
          <p className="small">{String(red.error)}</p>
        </div>
      )}
      {data && (
        <>
          <section className="svc-section">
            <h2>Service</h2>
            <RedFacts item={{ ...data.summary }} />
            {data.summary.calls === 0 ? (
              <p className="muted">No requests or messages handled in this window.</p>
            ) : (
              <RedCharts series={data.series} height={150} />
            )}
          </section>
          <section className="svc-section">
            <h2>Operations</h2>
            {data.operations.length === 0 && <p className="muted">None in this window.</p>}
            {data.operations.map((op, index) => (
              <div className="svc-op" key={`${op.operation}\u0000${op.spanKind}`}>
                <div className="svc-op-head">
                  <h3 title={spanKindName(op.spanKind)}>{op.operation}</h3>
                  <span className="muted small">
                    {formatRate(op.rate)} · <span className={op.errorRate > 0 ? 'error-text' : undefined}>{formatPercent(op.errorRate)} errors</span> · p50{' '}
                    {formatMs(op.p50Ms)} · p95 {formatMs(op.p95Ms)} · p99 {formatMs(op.p99Ms)}
                  </span>
                  <span className="svc-op-links">
                    <Link href={tracesLink({ service, operation: op.operation, window: range })}>traces</Link>
                    {op.errors > 0 && (
                      <Link href={tracesLink({ service, operation: op.operation, errorsOnly: true, window: range })} className="error-text">
                        failing traces
                      </Link>
                    )}
                    {op.slowTraceId && <Link href={traceLink(op.slowTraceId)}>slowest</Link>}
                    {op.errorTraceId && <Link href={traceLink(op.errorTraceId)}>latest failure</Link>}
                  </span>
                </div>
                {index < 20 && <RedCharts series={op.series} height={80} />}
              </div>
            ))}
          </section>
        </>
      )}
    </>
  );
}
