'use client';
// /breakers: a tile per circuit breaker, like the Hystrix dashboard's, grouped by owning service and
// sorted by severity: state colour, failure-rate gauge, calls/s, rejected/s, failure-rate and
// slow-call-rate sparklines over the last ten minutes (the history API's rate series), time in
// state, and a state timeline over the chosen window whose bands link to that service's failing traces. Live: state changes arrive over the
// collector's WebSocket and replace the tile at once; the list is refetched every 5 s too.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { Area, AreaChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { BreakerHistoryResponse, BreakerRatePoint, BreakerWire } from '@/lib/contracts/health-api';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { useLiveMessages } from '../live/use-live-messages';
import { getJson } from '../ui/get-json';
import { Notice } from '../ui/notice';
import { STATE_COLOR, STATE_LABEL, failingTracesLink, formatSpan, groupByService, isFocusedBreaker, type BreakerFocus } from './breaker-view';

const WINDOWS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3600_000 },
  { label: '6 h', ms: 6 * 3600_000 },
  { label: '24 h', ms: 24 * 3600_000 },
];

const keyOf = (b: Pick<BreakerWire, 'service' | 'name'>) => `${b.service}\u0000${b.name}`;

export function BreakersClient({ liveEndpoint, focus = null }: { liveEndpoint: LiveEndpoint; focus?: BreakerFocus | null }) {
  const queryClient = useQueryClient();
  const [windowMs, setWindowMs] = useState(15 * 60_000);
  const breakers = useQuery({ queryKey: ['breakers'], queryFn: () => getJson<BreakerWire[]>('/api/breakers'), refetchInterval: 5000 });
  const live = useLiveMessages(liveEndpoint, (message) => {
    if (message.type !== 'breaker-state') return;
    queryClient.setQueryData<BreakerWire[]>(['breakers'], (old) => {
      const rest = (old ?? []).filter((b) => keyOf(b) !== keyOf(message.breaker));
      return [message.breaker, ...rest];
    });
    void queryClient.invalidateQueries({ queryKey: ['breaker-history', message.breaker.service, message.breaker.name] });
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  if (breakers.error) return <Notice title="Could not load breakers" tone="error">{String(breakers.error)}</Notice>;
  if (!breakers.data) return <p className="muted">Loading breakers…</p>;
  const groups = groupByService(breakers.data);
  const open = breakers.data.filter((b) => b.state === 'open' || b.state === 'forced_open' || b.state === 'suspected_open').length;
  const halfOpen = breakers.data.filter((b) => b.state === 'half_open').length;
  return (
    <div className="breakers">
      <div className="breakers-toolbar">
        <span className={open ? 'badge badge-error' : 'badge'}>{open} open</span>
        <span className={halfOpen ? 'badge badge-warn' : 'badge'}>{halfOpen} half-open</span>
        <span className="muted">{breakers.data.length} breakers</span>
        <span className="spacer" />
        <label className="muted">
          Timeline{' '}
          <select value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.ms} value={w.ms}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <span className={live ? 'live-dot on' : 'live-dot'} title={live ? 'state changes arrive live' : 'refreshing every 5 s'}>
          {live ? 'Live' : 'Polling'}
        </span>
      </div>
      {focus && !breakers.data.some((b) => isFocusedBreaker(b, focus)) && (
        <Notice title="Breaker not seen">
          No breaker {focus.name} in {focus.service} is known now.
        </Notice>
      )}
      {groups.length === 0 && (
        <Notice title="No circuit breakers seen yet">
          Meshlight reads breakers from resilience4j, opossum (opossum-prometheus), Polly and Envoy metrics it scrapes or receives, and from
          client spans carrying <code>circuit.state</code> and <code>circuit.name</code>.
        </Notice>
      )}
      {groups.map((g) => (
        <section key={g.service} className="breaker-group">
          <h2>
            <Link href={`/services/${encodeURIComponent(g.service)}`}>{g.service}</Link>
          </h2>
          <div className="breaker-tiles">
            {g.breakers.map((b) => (
              <BreakerTile key={keyOf(b)} breaker={b} now={now} windowMs={windowMs} focused={isFocusedBreaker(b, focus)} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

/** A rate series as a small recharts area: gaps (no sample) stay gaps; the latest value is the tile's figure. */
function Sparkline({ series, dataKey, color, start, end, max, label }: { series: BreakerRatePoint[]; dataKey: keyof Omit<BreakerRatePoint, 't'>; color: string; start: number; end: number; max?: number; label: string }) {
  return (
    <div className="sparkline" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={28}>
        <AreaChart data={series} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
          <XAxis dataKey="t" type="number" domain={[start, end]} hide />
          <YAxis hide domain={[0, max ?? ((dataMax: number) => Math.max(dataMax, 1e-6))]} />
          <Area dataKey={dataKey} stroke={color} fill={color} fillOpacity={0.25} strokeWidth={1.5} isAnimationActive={false} dot={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

const rate = (v: number | null) => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The window's end moves in 10 s steps, so the history (timeline and sparklines) refetches as time passes. */
const HISTORY_STEP_MS = 10_000;
const SPARKLINE_MS = 10 * 60_000;

function useBreakerHistory(b: Pick<BreakerWire, 'service' | 'name'>, start: number, end: number) {
  return useQuery({
    queryKey: ['breaker-history', b.service, b.name, end - start, end],
    queryFn: () => getJson<BreakerHistoryResponse>(`/api/breakers/${encodeURIComponent(b.service)}/${encodeURIComponent(b.name)}/history?start=${start}&end=${end}`),
    placeholderData: (previous) => previous,
  });
}

export function BreakerTile({ breaker: b, now, windowMs, focused = false }: { breaker: BreakerWire; now: number; windowMs: number; focused?: boolean }) {
  // A deep link's breaker: scrolled into view once, when its tile first appears.
  const tile = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) tile.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  const color = STATE_COLOR[b.state] ?? '#6b7280';
  const failure = b.failureRate;
  const end = Math.ceil(now / HISTORY_STEP_MS) * HISTORY_STEP_MS;
  // The timeline spans the chosen window; the sparklines always the last ten minutes (5 s steps), as
  // Hystrix's do: in an incident the recent minutes matter, and an hour squeezes them into a pixel.
  const history = useBreakerHistory(b, end - windowMs, end);
  const recent = useBreakerHistory(b, end - SPARKLINE_MS, end);
  const series = recent.data?.series ?? [];
  const [from, to] = recent.data ? [recent.data.start, recent.data.end] : [end - SPARKLINE_MS, end];
  return (
    <article
      ref={tile}
      className={focused ? 'breaker-tile is-focused' : 'breaker-tile'}
      style={{ borderColor: color }}
      data-state={b.state}
      data-focused={focused ? 'true' : undefined}
      aria-label={`${b.name}: ${STATE_LABEL[b.state]}`}
    >
      <header>
        <strong className="breaker-name">{b.name}</strong>
        {b.target && b.target !== b.name && <span className="muted"> → {b.target}</span>}
        <span className="breaker-state" style={{ background: color }}>
          {STATE_LABEL[b.state]}
        </span>
      </header>
      <p className="muted breaker-since">
        for {formatSpan(now - b.since)}
        {b.flapping && <span className="badge badge-warn">flapping</span>}
        <span className="chip">{b.source}</span>
      </p>
      <div className="breaker-gauge" title="failure rate of the calls let through">
        <div className="breaker-gauge-fill" style={{ width: `${Math.min(100, failure ?? 0)}%`, background: (failure ?? 0) >= 50 ? '#ff6b6b' : '#4cc38a' }} />
        <div className="breaker-gauge-mark" title="50 %: the usual opening threshold" />
      </div>
      <div className="breaker-rates">
        <div>
          <span className="muted">calls/s</span> <span className="breaker-figure">{rate(b.callsPerSecond)}</span>
          <Sparkline series={series} dataKey="callsPerSecond" color="#7cb0ff" start={from} end={to} label="calls per second, last 10 minutes" />
        </div>
        <div>
          <span className="muted">rejected/s</span> <span className="breaker-figure">{rate(b.rejectedPerSecond)}</span>
          <Sparkline series={series} dataKey="rejectedPerSecond" color="#ff6b6b" start={from} end={to} label="rejected calls per second, last 10 minutes" />
        </div>
        <div>
          <span className="muted">failures</span> <span className="breaker-figure">{failure === null ? '–' : `${failure.toFixed(1)} %`}</span>
          <Sparkline series={series} dataKey="failureRate" color="#ffc35c" start={from} end={to} max={100} label="failure rate, last 10 minutes" />
        </div>
        <div>
          <span className="muted">slow</span> <span className="breaker-figure">{b.slowCallRate === null ? '–' : `${b.slowCallRate.toFixed(1)} %`}</span>
          <Sparkline series={series} dataKey="slowCallRate" color="#c084fc" start={from} end={to} max={100} label="slow-call rate, last 10 minutes" />
        </div>
      </div>
      <p className="breaker-axis muted">
        <span>state, last {formatSpan(windowMs)}</span>
        <span>sparklines: last 10 min</span>
      </p>
      <BreakerTimeline breaker={b} bands={history.data?.bands ?? []} start={history.data?.start ?? end - windowMs} windowMs={history.data ? history.data.end - history.data.start : windowMs} />
    </article>
  );
}

function BreakerTimeline({ breaker, bands, start, windowMs }: { breaker: BreakerWire; bands: BreakerHistoryResponse['bands']; start: number; windowMs: number }) {
  return (
    <div className="breaker-timeline" aria-label="state over the window">
      {bands.map((band) => {
        const left = ((band.start - start) / windowMs) * 100;
        const width = Math.max(0.5, ((band.end - band.start) / windowMs) * 100);
        const failing = band.state !== 'closed';
        const style = { left: `${left}%`, width: `${width}%`, background: STATE_COLOR[band.state] ?? '#6b7280' };
        const title = `${STATE_LABEL[band.state as BreakerWire['state']] ?? band.state} · ${new Date(band.start).toLocaleTimeString()}–${new Date(band.end).toLocaleTimeString()}`;
        return failing ? (
          <Link key={band.start} className="breaker-band" style={style} title={`${title} · open the failing traces`} href={failingTracesLink(breaker.service, band.start, band.end, breaker.source === 'span' ? breaker.name : undefined)} />
        ) : (
          <span key={band.start} className="breaker-band" style={style} title={title} />
        );
      })}
    </div>
  );
}
