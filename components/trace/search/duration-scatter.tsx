'use client';
// Search results as duration over time: one dot per trace, red when it has errors, sized by span
// count; click a dot to open the trace. Outliers stand out before reading a single row.
import { useRouter } from 'next/navigation';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { formatNanos } from '@/components/ui/format';
import type { ResultRow } from './result-row';

const AXIS = { stroke: '#6b7280', fontSize: 11 };

function clock(ms: number): string {
  const date = new Date(ms);
  return date.toISOString().slice(11, 19);
}

interface Point {
  traceId: string;
  x: number;
  y: number;
  z: number;
  label: string;
  errors: number;
}

export function DurationScatter({ rows }: { rows: ResultRow[] }) {
  const router = useRouter();
  const toPoint = (row: ResultRow): Point => ({
    traceId: row.traceId,
    x: row.startMs,
    y: row.durationNs / 1e6,
    z: row.spanCount,
    label: `${row.rootService} ${row.rootName}`,
    errors: row.errorCount,
  });
  const ok = rows.filter((row) => row.errorCount === 0).map(toPoint);
  const failed = rows.filter((row) => row.errorCount > 0).map(toPoint);
  const open = (data: unknown) => {
    const point = (data as { payload?: Point }).payload ?? (data as Point);
    if (point?.traceId) router.push(`/traces/${point.traceId}`);
  };
  return (
    <section className="scatter" aria-label="Duration over time" data-testid="scatter">
      <h2>Duration over time · click a dot to open the trace</h2>
      <ResponsiveContainer width="100%" height={200}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#2a303c" />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clock} name="start (UTC)" {...AXIS} minTickGap={40} />
          <YAxis dataKey="y" type="number" name="duration" unit=" ms" {...AXIS} width={70} />
          <ZAxis dataKey="z" type="number" range={[18, 90]} />
          <Tooltip
            cursor={{ strokeDasharray: '3 3' }}
            contentStyle={{ background: '#161920', border: '1px solid #2a303c', borderRadius: 6, fontSize: 12 }}
            content={({ payload }) => {
              const point = payload?.[0]?.payload as Point | undefined;
              if (!point) return null;
              return (
                <div className="flame-tip" style={{ position: 'static' }}>
                  <strong>{point.label}</strong>
                  <br />
                  {formatNanos(point.y * 1e6)} · {point.z} spans{point.errors ? ` · ${point.errors} errors` : ''} · {clock(point.x)} UTC
                </div>
              );
            }}
          />
          <Scatter name="traces" data={ok} fill="#6ea8fe" onClick={open} cursor="pointer" isAnimationActive={false} />
          <Scatter name="with errors" data={failed} fill="#ff7b7b" onClick={open} cursor="pointer" isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </section>
  );
}
