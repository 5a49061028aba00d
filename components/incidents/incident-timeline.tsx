'use client';
// An incident on one time axis: its alerts, each involved breaker's states, each queue's lag status,
// error rate and p95 per involved service, log volume by severity and deploy markers, all on the
// same scale. Clicking anywhere on a track picks that moment; the panel below links to the failing
// traces, logs, open breakers and lagging queues of that moment (so from /incidents a failing trace
// of any moment is three clicks away: the incident, a service's failing traces, a trace). The data
// comes from the page's client island (incident-client.tsx), kept fresh by live messages.
import Link from 'next/link';
import { useState, type MouseEvent, type ReactNode } from 'react';
import { Bar, BarChart, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IncidentWire } from '@/lib/contracts/alerting-api';
import type { GraphEdge } from '@/lib/domain/incidents/incidents';
import type { IncidentTimeline as Timeline } from '@/lib/contracts/alerting-api';
import { breakerHref } from '../breakers/breaker-view';
import { lagHref } from '../lag/lag-view';
import { bandAt, bandColour, clock, failingTracesHref, logsHref, pct, ticks, timeAt, type TimeScale } from './incident-view';

const SEVERITY_COLOURS: Record<string, string> = { FATAL: '#a11d1d', ERROR: '#d64545', WARN: '#d9a21b', INFO: '#7cb0ff', DEBUG: '#6b7280', TRACE: '#4b5563', UNSET: '#98a2b3' };
const SEVERITY_ORDER = Object.keys(SEVERITY_COLOURS);

interface Props {
  incident: IncidentWire & { edges: GraphEdge[] };
  timeline: Timeline;
}

export function IncidentTimeline({ incident, timeline }: Props) {
  const scale: TimeScale = { start: timeline.start, end: timeline.end };
  const [moment, setMoment] = useState(Math.min(timeline.end, incident.startMs + 30_000));

  const pick = (event: MouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    setMoment(timeAt(scale, (event.clientX - rect.left) / rect.width));
  };
  const overlay = (
    <>
      {timeline.deploys.map((d) => (
        <span key={`${d.service}${d.version}`} className="inc-deploy" style={{ left: `${pct(scale, d.t)}%` }} title={`deploy: ${d.service} ${d.version} at ${clock(d.t)}`} />
      ))}
      <span className="inc-cursor" style={{ left: `${pct(scale, moment)}%` }} />
    </>
  );
  const row = (key: string, label: ReactNode, track: ReactNode, extra?: string) => (
    <div className={`inc-row ${extra ?? ''}`} key={key}>
      <div className="inc-label">{label}</div>
      <div className="inc-track" onClick={pick} data-testid={`track-${key}`}>
        {track}
        {overlay}
      </div>
    </div>
  );
  const bands = (list: ReadonlyArray<{ start: number; end: number; state: string }>, title: (b: { state: string; start: number; end: number }) => string) =>
    list.map((b, i) => (
      <span
        key={i}
        className="inc-band"
        style={{ left: `${pct(scale, b.start)}%`, width: `${Math.max(0.4, pct(scale, b.end) - pct(scale, b.start))}%`, background: bandColour(b.state) }}
        title={title(b)}
      />
    ));
  const chart = (data: Array<{ t: number; v: number | null }>, colour: string, format: (v: number) => string) => (
    <ResponsiveContainer width="100%" height={44}>
      <LineChart data={data} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
        <XAxis dataKey="t" type="number" domain={[scale.start, scale.end]} hide allowDataOverflow />
        <YAxis hide domain={[0, 'auto']} />
        <Tooltip
          contentStyle={{ background: '#161920', border: '1px solid #2a303c', fontSize: 12 }}
          labelFormatter={(v) => clock(Number(v))}
          formatter={(v) => [format(Number(v)), '']}
        />
        <Line dataKey="v" stroke={colour} dot={data.length < 4 ? { r: 2 } : false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );

  const openBreakers = timeline.breakers.filter((b) => {
    const band = bandAt(b.bands, moment);
    return band && band.state !== 'closed';
  });
  const laggingQueues = timeline.queues.filter((q) => {
    const band = bandAt(q.bands, moment);
    return band && band.state !== 'OK';
  });
  const logSeverities = [...new Set((timeline.logs ?? []).map((l) => l.severity))].sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b));
  const logData = new Map<number, Record<string, number>>();
  for (const l of timeline.logs ?? []) {
    const entry = logData.get(l.t) ?? { t: l.t };
    entry[l.severity] = l.count;
    logData.set(l.t, entry);
  }
  const alertServices = incident.services.length ? incident.services : incident.rootCause?.service ? [incident.rootCause.service] : [];

  return (
    <div className="inc-timeline">
      <div className="inc-row inc-axis-row">
        <div className="inc-label muted small">time</div>
        <div className="inc-track inc-axis">
          {ticks(scale).map((t) => (
            <span key={t} className="inc-tick" style={{ left: `${pct(scale, t)}%` }}>
              {clock(t).slice(0, 5)}
            </span>
          ))}
          <span className="inc-span" style={{ left: `${pct(scale, incident.startMs)}%`, width: `${pct(scale, incident.endMs ?? scale.end) - pct(scale, incident.startMs)}%` }} />
        </div>
      </div>

      <h3 className="inc-section">Alerts</h3>
      {incident.episodes.map((e) =>
        row(
          `alert-${e.id}`,
          <span title={e.summary}>
            <b>{e.alertname}</b> <span className="muted small">{e.labels.service ?? e.labels.destination ?? ''}{e.labels.target ? ` → ${e.labels.target}` : ''}</span>
          </span>,
          bands([{ start: e.startMs, end: e.endMs ?? scale.end, state: 'firing' }], () => `${e.summary} (${clock(e.startMs)}–${e.endMs ? clock(e.endMs) : 'now'})`),
        ),
      )}

      {timeline.breakers.length > 0 && <h3 className="inc-section">Circuit breakers</h3>}
      {timeline.breakers.map((b) =>
        row(`breaker-${b.service}-${b.name}`, <span>{b.service} <span className="muted small">{b.name}{b.target ? ` → ${b.target}` : ''}</span></span>, bands(b.bands, (x) => `${x.state} ${clock(x.start)}–${clock(x.end)}`)),
      )}

      {timeline.queues.length > 0 && <h3 className="inc-section">Queue lag</h3>}
      {timeline.queues.map((q) =>
        row(`lag-${q.system}-${q.destination}-${q.group}`, <span>{q.destination} <span className="muted small">{q.group} · max {Math.round(q.maxLag)}</span></span>, bands(q.bands, (x) => `${x.state} ${clock(x.start)}–${clock(x.end)}`)),
      )}

      {timeline.red.length > 0 && <h3 className="inc-section">Error rate and p95 per service</h3>}
      {timeline.red.flatMap((s) => [
        row(`errors-${s.service}`, <span>{s.service} <span className="muted small">errors</span></span>, chart(s.points.map((p) => ({ t: p.t + 30_000, v: p.errorRate === null ? null : p.errorRate * 100 })), '#d64545', (v) => `${v.toFixed(1)} %`)),
        row(`p95-${s.service}`, <span>{s.service} <span className="muted small">p95</span></span>, chart(s.points.map((p) => ({ t: p.t + 30_000, v: p.p95Ms })), '#7cb0ff', (v) => `${v.toFixed(0)} ms`)),
      ])}

      <h3 className="inc-section">Logs</h3>
      {timeline.logs === null ? (
        <p className="muted small inc-note">Log volume appears here once logs are stored (no logs table yet).</p>
      ) : timeline.logs.length === 0 ? (
        <p className="muted small inc-note">No logs of {alertServices.join(', ') || 'the involved services'} stored in this window.</p>
      ) : (
        row(
          'logs',
          <span>log records <span className="muted small">by severity</span></span>,
          <ResponsiveContainer width="100%" height={44}>
            <BarChart data={[...logData.values()]} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
              <XAxis dataKey="t" type="number" domain={[scale.start, scale.end]} hide allowDataOverflow />
              <YAxis hide />
              <Tooltip contentStyle={{ background: '#161920', border: '1px solid #2a303c', fontSize: 12 }} labelFormatter={(v) => clock(Number(v))} />
              {logSeverities.map((s) => (
                <Bar key={s} dataKey={s} stackId="sev" fill={SEVERITY_COLOURS[s] ?? '#98a2b3'} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>,
        )
      )}

      {timeline.deploys.length > 0 && (
        <p className="small inc-note">
          Deploys:{' '}
          {timeline.deploys.map((d) => (
            <span key={`${d.service}${d.version}`} className="chip">
              {d.service} {d.version} at {clock(d.t)}
            </span>
          ))}
        </p>
      )}

      <section className="inc-moment" data-testid="moment">
        <h3>
          At {clock(moment)} <span className="muted small">(click any track to pick another moment)</span>
        </h3>
        <ul>
          {alertServices.map((s) => (
            <li key={s}>
              <Link href={failingTracesHref(s, moment)}>Failing traces of {s}</Link>
            </li>
          ))}
          {alertServices.map((s) => (
            <li key={`logs-${s}`}>
              <Link href={logsHref(s, moment)}>Logs of {s}</Link>
            </li>
          ))}
          {openBreakers.map((b) => (
            <li key={`${b.service}${b.name}`}>
              <Link href={breakerHref({ service: b.service, name: b.name })}>
                Breaker {b.name} in {b.service} is {bandAt(b.bands, moment)?.state}
              </Link>
            </li>
          ))}
          {laggingQueues.map((q) => (
            <li key={`${q.destination}${q.group}`}>
              <Link href={lagHref({ system: q.system, destination: q.destination, group: q.group })}>
                Queue {q.destination} ({q.group}) is {bandAt(q.bands, moment)?.state}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
