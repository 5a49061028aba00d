'use client';
// Where the trace's time went, per service and per operation: span count, errors, total and self
// time (own work, children excluded), the share of all self time, and the longest span.
import { useMemo, useState } from 'react';
import { formatNanos, serviceColor } from '@/components/ui/format';
import { computeTraceStats, type TimeStats } from '@/lib/domain/trace-stats';
import type { PreparedTrace } from './prepared-trace';

export function TraceStatsTable({ trace }: { trace: PreparedTrace }) {
  const stats = useMemo(() => computeTraceStats(trace.model, trace.tree), [trace]);
  const [by, setBy] = useState<'service' | 'operation'>('operation');
  const rows = by === 'service' ? stats.byService : stats.byOperation;
  return (
    <section aria-label="Statistics" data-testid="trace-stats">
      <div className="segmented" role="tablist">
        <button type="button" role="tab" aria-selected={by === 'operation'} onClick={() => setBy('operation')}>
          By operation
        </button>
        <button type="button" role="tab" aria-selected={by === 'service'} onClick={() => setBy('service')}>
          By service
        </button>
      </div>
      <table className="table stats-table">
        <thead>
          <tr>
            <th>Service</th>
            {by === 'operation' ? <th>Operation</th> : null}
            <th className="num">Spans</th>
            <th className="num">Errors</th>
            <th className="num">Total</th>
            <th className="num">Self</th>
            <th>Share of self time</th>
            <th className="num">Longest</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 500).map((row) => (
            <StatsRow key={`${row.service}\u0000${row.operation}`} row={row} total={stats.totalSelfNs} byOperation={by === 'operation'} />
          ))}
        </tbody>
      </table>
      {rows.length > 500 ? <p className="muted small">The 500 rows with the most self time of {rows.length}.</p> : null}
    </section>
  );
}

function StatsRow({ row, total, byOperation }: { row: TimeStats; total: number; byOperation: boolean }) {
  const share = total > 0 ? row.selfNs / total : 0;
  return (
    <tr>
      <td>
        <span className="service-name">
          <span className="dot" style={{ background: serviceColor(row.service) }} aria-hidden="true" />
          {row.service}
        </span>
      </td>
      {byOperation ? <td>{row.operation}</td> : null}
      <td className="num">{row.count.toLocaleString('en-US')}</td>
      <td className={`num${row.errorCount > 0 ? ' error-text' : ''}`}>{row.errorCount}</td>
      <td className="num">{formatNanos(row.totalNs)}</td>
      <td className="num">{formatNanos(row.selfNs)}</td>
      <td>
        <span className="share-track">
          <span className="share-bar" style={{ width: `${share * 100}%`, background: serviceColor(row.service) }} />
        </span>{' '}
        <span className="muted small">{(share * 100).toFixed(1)}%</span>
      </td>
      <td className="num">{formatNanos(row.maxNs)}</td>
    </tr>
  );
}
