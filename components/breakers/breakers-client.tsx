'use client';
// /breakers: a tile per circuit breaker, like the Hystrix dashboard's, grouped by owning service and
// sorted by severity: state colour, failure-rate gauge, call and rejection sparklines (from the
// readings seen since the page opened), time in state, and a state timeline over the chosen window
// whose bands link to that service's failing traces. Live: state changes arrive over the
// collector's WebSocket and replace the tile at once; the list is refetched every 5 s too.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { BreakerHistoryResponse, BreakerWire } from '@/lib/contracts/health-api';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { useLiveMessages } from '../live/use-live-messages';
import { getJson } from '../ui/get-json';
import { Notice } from '../ui/notice';
import { STATE_COLOR, STATE_LABEL, failingTracesLink, formatSpan, groupByService } from './breaker-view';

const WINDOWS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3600_000 },
  { label: '6 h', ms: 6 * 3600_000 },
  { label: '24 h', ms: 24 * 3600_000 },
];

const keyOf = (b: Pick<BreakerWire, 'service' | 'name'>) => `${b.service}\u0000${b.name}`;

export function BreakersClient({ liveEndpoint }: { liveEndpoint: LiveEndpoint }) {
  const queryClient = useQueryClient();
  const [windowMs, setWindowMs] = useState(3600_000);
  const breakers = useQuery({ queryKey: ['breakers'], queryFn: () => getJson<BreakerWire[]>('/api/breakers'), refetchInterval: 5000 });
  const live = useLiveMessages(liveEndpoint, (message) => {
    if (message.type !== 'breaker-state') return;
    queryClient.setQueryData<BreakerWire[]>(['breakers'], (old) => {
      const rest = (old ?? []).filter((b) => keyOf(b) !== keyOf(message.breaker));
      return [message.breaker, ...rest];
    });
    void queryClient.invalidateQueries({ queryKey: ['breaker-history', message.breaker.service, message.breaker.name] });
  });
  // Sparklines: the rates of each breaker at each reading seen since the page opened.
  const history = useRef(new Map<string, Array<{ calls: number; rejected: number }>>());
  useEffect(() => {
    for (const b of breakers.data ?? []) {
      const list = history.current.get(keyOf(b)) ?? [];
      list.push({ calls: b.callsPerSecond ?? 0, rejected: b.rejectedPerSecond ?? 0 });
      if (list.length > 60) list.shift();
      history.current.set(keyOf(b), list);
    }
  }, [breakers.data]);
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
              <BreakerTile key={keyOf(b)} breaker={b} now={now} windowMs={windowMs} rates={history.current.get(keyOf(b)) ?? []} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

function Sparkline({ values, color }: { values: number[]; color: string }) {
  if (values.length < 2) return <svg className="sparkline" viewBox="0 0 100 24" aria-hidden="true" />;
  const max = Math.max(...values, 1e-9);
  const points = values.map((v, i) => `${(i / (values.length - 1)) * 100},${22 - (v / max) * 20}`).join(' ');
  return (
    <svg className="sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={points} fill="none" stroke={color} strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

const rate = (v: number | null) => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function BreakerTile({ breaker: b, now, windowMs, rates }: { breaker: BreakerWire; now: number; windowMs: number; rates: Array<{ calls: number; rejected: number }> }) {
  const color = STATE_COLOR[b.state] ?? '#6b7280';
  const failure = b.failureRate;
  return (
    <article className="breaker-tile" style={{ borderColor: color }} data-state={b.state} aria-label={`${b.name}: ${STATE_LABEL[b.state]}`}>
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
      <p className="breaker-figures">
        <span>failures {failure === null ? '–' : `${failure.toFixed(1)} %`}</span>
        {b.slowCallRate !== null && <span>slow {b.slowCallRate.toFixed(1)} %</span>}
      </p>
      <div className="breaker-rates">
        <div>
          <span className="muted">calls/s</span> {rate(b.callsPerSecond)}
          <Sparkline values={rates.map((r) => r.calls)} color="#7cb0ff" />
        </div>
        <div>
          <span className="muted">rejected/s</span> {rate(b.rejectedPerSecond)}
          <Sparkline values={rates.map((r) => r.rejected)} color="#ff6b6b" />
        </div>
      </div>
      <BreakerTimeline breaker={b} windowMs={windowMs} now={now} />
    </article>
  );
}

function BreakerTimeline({ breaker, windowMs, now }: { breaker: BreakerWire; windowMs: number; now: number }) {
  // The window's end moves with the minute, so the query does not refetch every second.
  const end = Math.ceil(now / 60_000) * 60_000;
  const start = end - windowMs;
  const history = useQuery({
    queryKey: ['breaker-history', breaker.service, breaker.name, windowMs, end],
    queryFn: () =>
      getJson<BreakerHistoryResponse>(
        `/api/breakers/${encodeURIComponent(breaker.service)}/${encodeURIComponent(breaker.name)}/history?start=${start}&end=${end}`,
      ),
  });
  const bands = history.data?.bands ?? [];
  return (
    <div className="breaker-timeline" aria-label="state over the window">
      {bands.map((band) => {
        const left = ((band.start - start) / windowMs) * 100;
        const width = Math.max(0.5, ((band.end - band.start) / windowMs) * 100);
        const failing = band.state !== 'closed';
        const style = { left: `${left}%`, width: `${width}%`, background: STATE_COLOR[band.state] ?? '#6b7280' };
        const title = `${STATE_LABEL[band.state as BreakerWire['state']] ?? band.state} · ${new Date(band.start).toLocaleTimeString()}–${new Date(band.end).toLocaleTimeString()}`;
        return failing ? (
          <Link key={band.start} className="breaker-band" style={style} title={`${title} · open the failing traces`} href={failingTracesLink(breaker.service, band.start, band.end)} />
        ) : (
          <span key={band.start} className="breaker-band" style={style} title={title} />
        );
      })}
    </div>
  );
}
