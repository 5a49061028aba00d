'use client';
// RED over time as three small charts sharing one time axis: rate (calls/s), errors (% of calls)
// and duration (p50, p95, p99). Used by the map's side panels and the service page.
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RedPoint } from '@/lib/contracts/service-graph-api';
import { formatMs, formatPercent, formatRate } from '../ui/red-format';

const AXIS = { stroke: '#6b7280', fontSize: 11 };
const GRID = '#2a303c';

function clock(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

const tooltipStyle = {
  contentStyle: { background: '#161920', border: '1px solid #2a303c', borderRadius: 6, fontSize: 12 },
  labelStyle: { color: '#98a2b3' },
};

export function RedCharts({ series, height = 110, compact = false }: { series: RedPoint[]; height?: number; compact?: boolean }) {
  const data = series.map((p) => ({ ...p, errorPercent: p.errorRate * 100 }));
  // A line needs two points; with fewer, draw the points themselves.
  const sparse = series.filter((p) => p.p50Ms !== null).length < 3;
  const dot = sparse ? { r: 2.5 } : false;
  const margin = { top: 4, right: 8, bottom: 0, left: 0 };
  const xAxis = <XAxis dataKey="timeMs" tickFormatter={clock} {...AXIS} minTickGap={40} />;
  return (
    <div className={compact ? 'red-charts compact' : 'red-charts'}>
      <figure>
        <figcaption>Rate</figcaption>
        <ResponsiveContainer width="100%" height={height}>
          <AreaChart data={data} margin={margin}>
            <CartesianGrid stroke={GRID} vertical={false} />
            {xAxis}
            <YAxis {...AXIS} tickFormatter={(v: number) => formatRate(v)} width={56} />
            <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} formatter={(v) => [formatRate(Number(v)), 'rate']} />
            <Area dataKey="rate" stroke="#7cb0ff" fill="#7cb0ff33" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </figure>
      <figure>
        <figcaption>Errors</figcaption>
        <ResponsiveContainer width="100%" height={height}>
          <AreaChart data={data} margin={margin}>
            <CartesianGrid stroke={GRID} vertical={false} />
            {xAxis}
            <YAxis {...AXIS} tickFormatter={(v: number) => `${v}%`} width={56} />
            <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} formatter={(v) => [formatPercent(Number(v) / 100), 'errors']} />
            <Area dataKey="errorPercent" stroke="#ff6b6b" fill="#ff6b6b33" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </figure>
      <figure>
        <figcaption>Duration</figcaption>
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={margin}>
            <CartesianGrid stroke={GRID} vertical={false} />
            {xAxis}
            <YAxis {...AXIS} tickFormatter={(v: number) => formatMs(v)} width={56} />
            <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} formatter={(v, name) => [formatMs(v === null ? null : Number(v)), String(name)]} />
            <Line dataKey="p50Ms" name="p50" stroke="#4cc38a" dot={dot} isAnimationActive={false} />
            <Line dataKey="p95Ms" name="p95" stroke="#ffc35c" dot={dot} isAnimationActive={false} />
            <Line dataKey="p99Ms" name="p99" stroke="#ff8787" dot={dot} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
