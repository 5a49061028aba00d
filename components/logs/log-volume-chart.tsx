'use client';
// Log volume over the selected range as stacked bars by severity (recharts). Dragging across the
// chart selects a sub-range and zooms to it (the page puts start/end in the URL).
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from '../metrics/chart-data';
import { SEVERITY_COLORS } from './severity-style';
import { VOLUME_SEVERITIES, type VolumePoint } from './use-logs';

const AXIS = { stroke: '#6b7280', fontSize: 11 };

function clock(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 2 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, spanMs < 600_000 ? 19 : 16);
}

export function LogVolumeChart({ points, onZoom }: { points: VolumePoint[]; onZoom(startMs: number, endMs: number): void }) {
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();
  const span = points.length > 1 ? points[points.length - 1]!.t - points[0]!.t : 0;
  const step = points.length > 1 ? points[1]!.t - points[0]!.t : 0;
  return (
    <figure className="log-volume" aria-label="Log volume by severity">
      <ResponsiveContainer width="100%" height={120}>
        <BarChart
          data={points}
          margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
          barCategoryGap={1}
          onMouseDown={(state) => state?.activeLabel !== undefined && setDrag({ from: Number(state.activeLabel), to: Number(state.activeLabel) })}
          onMouseMove={(state) => drag && state?.activeLabel !== undefined && setDrag({ ...drag, to: Number(state.activeLabel) })}
          onMouseUp={() => {
            if (drag && drag.from !== drag.to) onZoom(Math.min(drag.from, drag.to), Math.max(drag.from, drag.to) + step);
            setDrag(undefined);
          }}
        >
          <CartesianGrid stroke="#2a303c" vertical={false} />
          <XAxis dataKey="t" tickFormatter={(t: number) => clock(t, span)} {...AXIS} minTickGap={50} />
          {/* Counts in short form (180k, 1.2M): a day of busy services is hundreds of thousands a bucket. */}
          <YAxis {...AXIS} width={44} allowDecimals={false} tickFormatter={(n: number) => formatValue(n)} />
          <Tooltip
            contentStyle={{ background: '#161920', border: '1px solid #2a303c', borderRadius: 6, fontSize: 12 }}
            labelFormatter={(t) => new Date(Number(t)).toISOString().replace('T', ' ').slice(0, 19)}
            cursor={{ fill: '#ffffff10' }}
          />
          {VOLUME_SEVERITIES.map((name) => (
            <Bar key={name} dataKey={name} stackId="v" fill={SEVERITY_COLORS[name]} isAnimationActive={false} />
          ))}
          {drag ? <ReferenceArea x1={drag.from} x2={drag.to} fill="#7cb0ff" fillOpacity={0.15} /> : null}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
