'use client';
// `/incidents/{id}`, live: the incident (its alerts, suspected root cause and evidence), where to
// start (the first signal with example failing or slow traces, each with its logs one click on,
// and the involved services' logs over the incident), its one time axis and the involved part of
// the map. The server page hands the first answers over; then /api/incidents/{id} and its
// /timeline come through React Query, refetched on live messages (an alert changing state, a
// breaker or queue changing status) and, while the incident is ongoing, every 15 s (the RED
// charts move with time).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { IncidentDetailWire, IncidentTimeline as Timeline, IncidentWire } from '@/lib/contracts/alerting-api';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { getJson } from '../ui/get-json';
import { Notice } from '../ui/notice';
import { IncidentTimeline } from './incident-timeline';
import { InvolvedMap } from './involved-map';
import { INCIDENT_KEYS, clock, formatDuration, logsHref, traceHref } from './incident-view';
import { useIncidentsLive } from './use-incidents-live';

/** How long an incident counts as just opened, for the involved map's faster refresh. */
const YOUNG_INCIDENT_MS = 120_000;

interface Props {
  initialIncident: IncidentDetailWire;
  initialTimeline: Timeline;
  liveEndpoint: LiveEndpoint;
  nowMs: number;
}

export function IncidentClient({ initialIncident, initialTimeline, liveEndpoint, nowMs }: Props) {
  const id = initialIncident.id;
  const live = useIncidentsLive(liveEndpoint);
  const incidentQuery = useQuery({
    queryKey: INCIDENT_KEYS.incident(id),
    queryFn: () => getJson<IncidentDetailWire>(`/api/incidents/${encodeURIComponent(id)}`),
    initialData: initialIncident,
    initialDataUpdatedAt: nowMs,
    // While it lasts, the involved map's traffic moves with time: every 5 s in its first two
    // minutes (a node the incident was grouped on is drawn idle until the window's traffic reaches
    // the rollups, a flush or two after the incident opens), every 15 s after that.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data || data.endMs !== null) return false;
      return Date.now() - data.startMs < YOUNG_INCIDENT_MS ? 5_000 : 15_000;
    },
  });
  const incident = incidentQuery.data;
  const ongoing = incident.endMs === null;
  const timelineQuery = useQuery({
    queryKey: INCIDENT_KEYS.timeline(id),
    queryFn: () => getJson<Timeline>(`/api/incidents/${encodeURIComponent(id)}/timeline`),
    initialData: initialTimeline,
    initialDataUpdatedAt: nowMs,
    refetchInterval: ongoing || !live ? 15_000 : false,
  });
  const timeline = timelineQuery.data;
  const [now, setNow] = useState(nowMs);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const root = incident.rootCause;

  return (
    <>
      <div className="page-header">
        <p className="small">
          <Link href="/incidents">← Incidents</Link>{' '}
          <span className={live ? 'live-dot on' : 'live-dot'} title={live ? 'alert changes arrive live' : 'refreshing every 15 s'} data-testid="live">
            {live ? 'Live' : 'Polling'}
          </span>
        </p>
        <h1>
          Incident at {new Date(incident.startMs).toLocaleDateString()} {clock(incident.startMs)}
        </h1>
        <p className="muted" data-testid="incident-status">
          {ongoing ? (
            <span className="inc-ongoing">Ongoing for {formatDuration(Math.max(0, now - incident.startMs))}</span>
          ) : (
            `Resolved after ${formatDuration(incident.endMs! - incident.startMs)} at ${clock(incident.endMs!)}`
          )}
          {' · '}
          {incident.episodes.length} alert{incident.episodes.length === 1 ? '' : 's'} · signals: {incident.signals.join(', ')}
        </p>
      </div>
      {(incidentQuery.error || timelineQuery.error) && (
        <Notice title="Could not refresh this incident" tone="error">
          {String(incidentQuery.error ?? timelineQuery.error)}
        </Notice>
      )}
      {root && (
        <div className="inc-rootcause" data-testid="root-cause">
          <p>
            <b>{root.statement}</b>
          </p>
          <ul>
            {root.evidence.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <StartHere incident={incident} timeline={timeline} />
      {/* Full width: the map's layered layout runs left to right and is unreadable in a side column. */}
      <section className="inc-side inc-map-section">
        <h2>Involved part of the service map</h2>
        <p className="muted small" data-testid="involved-map-window">
          Traffic over the incident, {clock(incident.startMs)}–{ongoing ? 'now' : clock(incident.endMs!)}: rate, errors and p95 per service and call
        </p>
        <InvolvedMap incident={incident} />
      </section>
      <IncidentTimeline incident={incident} timeline={timeline} />
    </>
  );
}

/**
 * Where to start: the first signal, example traces of the involved services (failing ones for
 * errors, slow ones for latency; each links to the trace and to its logs across services, joined by
 * trace and correlation id) and each service's logs over the incident.
 */
function StartHere({ incident, timeline }: { incident: IncidentWire; timeline: Timeline }) {
  const first = incident.episodes.find((e) => e.id === incident.firstEpisodeId);
  const from = incident.startMs - 60_000;
  const to = (incident.endMs ?? timeline.end) + 60_000;
  const services = incident.services.length ? incident.services : incident.rootCause?.service ? [incident.rootCause.service] : [];
  // The first signal's service first, then the root cause's, then the rest.
  const firstService = first?.labels.target ?? first?.labels.service ?? incident.rootCause?.service ?? undefined;
  const rank = (s: string) => (s === firstService ? 0 : s === incident.rootCause?.service ? 1 : 2);
  const wantsSlow = incident.signals.some((s) => s === 'latency' || s === 'lag');
  const examples = timeline.examples
    .filter((x) => x.kind === 'error' || wantsSlow)
    .sort((a, b) => rank(a.service) - rank(b.service) || (a.kind === b.kind ? a.t - b.t : a.kind === 'error' ? -1 : 1))
    .slice(0, 8);
  return (
    <section className="inc-start" data-testid="start-here">
      <h2>Start here</h2>
      {first && (
        <p className="small">
          First signal: <b>{first.alertname}</b> {first.labels.service ?? first.labels.destination ?? ''}
          {first.labels.target ? ` → ${first.labels.target}` : ''} at {clock(first.startMs)}
          {first.summary ? <span className="muted"> — {first.summary}</span> : null}
        </p>
      )}
      <div className="inc-start-cols">
        <div>
          <h3>Example traces</h3>
          {examples.length === 0 ? (
            <p className="muted small">No failing or slow traces of {services.join(', ') || 'the involved services'} in this window.</p>
          ) : (
            <ul data-testid="example-traces">
              {examples.map((x) => (
                <li key={`${x.kind}${x.traceId}`}>
                  <Link href={traceHref(x.traceId)} className="mono">
                    {x.kind === 'error' ? 'failing' : 'slow'} · {x.service} · {x.traceId.slice(0, 12)}…
                  </Link>{' '}
                  <span className="muted small">
                    {clock(x.t)}
                    {x.latencyMs !== null ? ` · ${x.latencyMs.toFixed(0)} ms` : ''}
                  </span>{' '}
                  <Link href={traceHref(x.traceId, 'logs')} className="small">
                    its logs
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Logs over the incident</h3>
          <ul data-testid="incident-logs">
            {services.map((s) => (
              <li key={s}>
                <Link href={logsHref(s, Math.round((from + to) / 2), Math.round((to - from) / 2))}>Logs of {s}</Link> <span className="muted small">{clock(from)}–{clock(to)}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
