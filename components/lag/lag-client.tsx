'use client';
// /lag: every consumer group, queue and JetStream consumer with its Burrow-style status, lag in
// messages and in time, trend, time to drain and consumers, worst first; the selected one's lag,
// produce vs consume rate and per-partition lag over the chosen window. Live: status changes
// arrive over the collector's WebSocket; the table is refetched every 5 s too.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LagGroupResponse, LagHistoryResponse } from '@/lib/contracts/health-api';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { useLiveMessages } from '../live/use-live-messages';
import { getJson } from '../ui/get-json';
import { Notice } from '../ui/notice';
import { LAG_SECONDS_SOURCE_LABEL, STATUS_COLOR, TREND_ARROW, drainText, formatCount, historyUrl, isFocusedLag, lagInTimeParts, type LagFocus } from './lag-view';

const keyOf = (g: Pick<LagGroupResponse, 'system' | 'cluster' | 'destination' | 'group'>) => `${g.system}/${g.cluster}/${g.destination}/${g.group}`;
const WINDOWS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3600_000 },
  { label: '6 h', ms: 6 * 3600_000 },
];
const AXIS = { stroke: '#6b7280', fontSize: 11 };
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const tooltipStyle = { contentStyle: { background: '#161920', border: '1px solid #2a303c', borderRadius: 6, fontSize: 12 }, labelStyle: { color: '#98a2b3' } };
const PARTITION_COLORS = ['#7cb0ff', '#4cc38a', '#ffc35c', '#ff8787', '#c084fc', '#5eead4', '#f472b6', '#a3e635'];

export function LagClient({ liveEndpoint, focus = null }: { liveEndpoint: LiveEndpoint; focus?: LagFocus | null }) {
  const queryClient = useQueryClient();
  const groups = useQuery({ queryKey: ['lag'], queryFn: () => getJson<LagGroupResponse[]>('/api/lag'), refetchInterval: 5000 });
  const [selected, setSelected] = useState<string | null>(null);
  // A deep link's row: scrolled into view once, when the table first has it.
  const focusedRow = useRef<HTMLTableRowElement>(null);
  const scrolled = useRef(false);
  const focusLoaded = groups.data?.some((g) => isFocusedLag(g, focus)) ?? false;
  useEffect(() => {
    if (!focusLoaded || scrolled.current) return;
    scrolled.current = true;
    focusedRow.current?.scrollIntoView({ block: 'center' });
  }, [focusLoaded]);
  const [windowMs, setWindowMs] = useState(15 * 60_000);
  const live = useLiveMessages(liveEndpoint, (message) => {
    if (message.type === 'lag-status') void queryClient.invalidateQueries({ queryKey: ['lag'] });
  });
  if (groups.error) return <Notice title="Could not load lag" tone="error">{String(groups.error)}</Notice>;
  if (!groups.data) return <p className="muted">Loading lag…</p>;
  // A row clicked wins; else a deep link's row (from an incident); else the worst.
  const chosen =
    groups.data.find((g) => keyOf(g) === selected) ?? groups.data.find((g) => isFocusedLag(g, focus)) ?? groups.data.find((g) => g.status !== 'OK') ?? groups.data[0];
  return (
    <div className="lag">
      <div className="breakers-toolbar">
        <span className="muted">{groups.data.length} consumer groups and queues</span>
        <span className="spacer" />
        <label className="muted">
          Charts{' '}
          <select value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.ms} value={w.ms}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <span className={live ? 'live-dot on' : 'live-dot'}>{live ? 'Live' : 'Polling'}</span>
      </div>
      {focus && !focusLoaded && (
        <Notice title="Queue not seen">
          No {focus.system} {focus.destination}
          {focus.group !== focus.destination ? ` (${focus.group})` : ''} is known now.
        </Notice>
      )}
      {groups.data.length === 0 ? (
        <Notice title="No broker lag seen yet">
          Meshlight reads lag from kafka_exporter, KMinion and Burrow, RabbitMQ&apos;s Prometheus plugin (<code>/metrics/per-object</code>),
          NATS&apos;s <code>/jsz</code> (a scrape target with <code>&quot;format&quot;: &quot;nats-jsz&quot;</code>) and prometheus-nats-exporter.
        </Notice>
      ) : (
        <div className="lag-table-wrap">
        <table className="lag-table">
          <thead>
            <tr>
              <th>status</th>
              <th>system</th>
              <th>destination</th>
              <th>group</th>
              <th className="num">lag</th>
              <th>lag in time</th>
              <th>trend</th>
              <th>drains in</th>
              <th className="num">consumers</th>
              <th className="num">in / out per s</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr
                key={keyOf(g)}
                ref={isFocusedLag(g, focus) ? focusedRow : undefined}
                className={[chosen && keyOf(chosen) === keyOf(g) ? 'selected' : '', isFocusedLag(g, focus) ? 'is-focused' : ''].join(' ').trim() || undefined}
                data-focused={isFocusedLag(g, focus) ? 'true' : undefined}
                onClick={() => setSelected(keyOf(g))}
              >
                <td>
                  <span className="lag-status" style={{ background: STATUS_COLOR[g.status] }}>
                    {g.status}
                  </span>
                </td>
                <td>{g.system}</td>
                <td className="mono">{g.destination}</td>
                <td className="mono">{g.group === g.destination ? '—' : g.group}</td>
                <td className="num">{formatCount(g.lag)}</td>
                <td title={g.lagSecondsSource ? LAG_SECONDS_SOURCE_LABEL[g.lagSecondsSource] : 'neither the broker nor traces can say yet'}>
                  <LagInTimeCell group={g} />
                </td>
                <td title={g.trend}>
                  {TREND_ARROW[g.trend]} {g.trend}
                </td>
                <td>{drainText(g)}</td>
                <td className="num">{g.consumers ?? '–'}</td>
                <td className="num">
                  {g.produceRate === null ? '–' : g.produceRate.toFixed(1)} / {g.consumeRate === null ? '–' : g.consumeRate.toFixed(1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {chosen && <LagCharts group={chosen} windowMs={windowMs} />}
    </div>
  );
}

function LagInTimeCell({ group }: { group: LagGroupResponse }) {
  const { figure, traces } = lagInTimeParts(group);
  return (
    <>
      {figure ?? '–'}
      {traces && <div className="lag-sub muted">{traces}</div>}
    </>
  );
}

function LagCharts({ group, windowMs }: { group: LagGroupResponse; windowMs: number }) {
  // The window's end moves in 5 s steps with the group's updates, so charts refetch as it changes.
  const end = Math.ceil(group.updated / 5000) * 5000 + 5000;
  const start = end - windowMs;
  const history = useQuery({
    queryKey: ['lag-history', group.system, group.destination, group.group, windowMs, end],
    queryFn: () => getJson<LagHistoryResponse>(historyUrl(group, start, end)),
  });
  const points = history.data?.points ?? [];
  const partitions = [...new Set(points.flatMap((p) => p.partitions.map((x) => x.partition)))].filter((p) => p !== '').slice(0, PARTITION_COLORS.length);
  const data = points.map((p) => ({
    t: p.t,
    lag: p.lag,
    consume: p.consumeRate,
    produce: p.produceRate,
    ...Object.fromEntries(p.partitions.map((x) => [`p${x.partition}`, x.lag])),
  }));
  const axis = <XAxis dataKey="t" type="number" domain={[start, end]} tickFormatter={clock} {...AXIS} />;
  return (
    <section className="lag-charts">
      <h2>
        {group.system} · {group.destination}
        {group.group !== group.destination && <> · {group.group}</>}
      </h2>
      <div className="lag-chart-row">
        <figure>
          <figcaption>Lag (messages)</figcaption>
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={data}>
              <CartesianGrid stroke="#2a303c" vertical={false} />
              {axis}
              <YAxis {...AXIS} width={50} />
              <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} />
              <Line dataKey="lag" stroke="#ffc35c" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>Produce vs consume (messages/s)</figcaption>
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={data}>
              <CartesianGrid stroke="#2a303c" vertical={false} />
              {axis}
              <YAxis {...AXIS} width={50} />
              <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line dataKey="produce" name="produced" stroke="#7cb0ff" dot={false} isAnimationActive={false} connectNulls />
              <Line dataKey="consume" name="consumed" stroke="#4cc38a" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        {partitions.length > 1 && (
          <figure>
            <figcaption>Lag per partition</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={data}>
                <CartesianGrid stroke="#2a303c" vertical={false} />
                {axis}
                <YAxis {...AXIS} width={50} />
                <Tooltip {...tooltipStyle} labelFormatter={(v) => clock(Number(v))} />
                {partitions.map((p, i) => (
                  <Line key={p} dataKey={`p${p}`} name={`partition ${p}`} stroke={PARTITION_COLORS[i]} dot={false} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        )}
      </div>
      {points.length === 0 && <p className="muted">No history in this window yet.</p>}
    </section>
  );
}
