'use client';
// The query's series as lines over time (recharts): hover shows every visible series' value at
// that time, the legend below lists each series with its last value and toggles it on click
// (shift-click shows only that one).
import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, toChartData, type MatrixSeries } from './chart-data';

const AXIS = { stroke: '#6b7280', fontSize: 11 };

function timeLabel(ms: number, rangeMs: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (rangeMs > 86_400_000) return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
  // Short ranges tick more often than once a minute: show seconds so ticks do not repeat.
  return rangeMs <= 30 * 60_000 ? `${hm}:${pad(d.getSeconds())}` : hm;
}

const MAX_LINES = 50;

export function MetricsChart({ result, rangeMs }: { result: MatrixSeries[]; rangeMs: number }) {
  const { rows, series } = useMemo(() => toChartData(result.slice(0, MAX_LINES)), [result]);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const toggle = (key: string, only: boolean) =>
    setHidden((prev) => {
      if (only) return new Set(series.filter((s) => s.key !== key).map((s) => s.key));
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const labelOf = new Map(series.map((s) => [s.key, s.label]));
  return (
    <div className="metrics-chart">
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2a303c" vertical={false} />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(v: number) => timeLabel(v, rangeMs)} minTickGap={50} {...AXIS} />
          <YAxis tickFormatter={(v: number) => formatValue(v)} width={60} {...AXIS} />
          <Tooltip
            contentStyle={{ background: '#161920', border: '1px solid #2a303c', borderRadius: 6, fontSize: 12, maxWidth: 560, whiteSpace: 'normal' }}
            labelStyle={{ color: '#98a2b3' }}
            labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
            formatter={(value, key) => [formatValue(value === null || value === undefined ? null : Number(value)), labelOf.get(String(key)) ?? String(key)]}
            itemSorter={(item) => -Number(item.value ?? 0)}
          />
          {series.map((s) =>
            hidden.has(s.key) ? null : (
              <Line key={s.key} dataKey={s.key} stroke={s.color} dot={rows.length < 3 ? { r: 2 } : false} strokeWidth={1.5} isAnimationActive={false} connectNulls={false} />
            ),
          )}
        </LineChart>
      </ResponsiveContainer>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.key}>
            <button
              type="button"
              className={hidden.has(s.key) ? 'legend-item off' : 'legend-item'}
              onClick={(e) => toggle(s.key, e.shiftKey)}
              title="Click to hide or show; shift-click to show only this series"
            >
              <span className="legend-swatch" style={{ background: s.color }} />
              <span className="mono legend-label">{s.label}</span>
              <span className="legend-value">{formatValue(s.last)}</span>
            </button>
          </li>
        ))}
      </ul>
      {result.length > MAX_LINES && <p className="muted small">Showing {MAX_LINES} of {result.length} series; narrow the query to see the rest.</p>}
    </div>
  );
}
