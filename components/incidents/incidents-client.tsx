'use client';
// /incidents, live: the incidents of the last 24 hours (newest first) with their first signal and
// suspected root cause, and the rules with their switches. The server page hands the first answer
// over; after that the lists come from /api/incidents and /api/rules through React Query, refetched
// when the collector pushes `alerts-changed` (or every 15 s when the live socket is down).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { IncidentWire, RuleWire } from '@/lib/contracts/alerting-api';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { getJson } from '../ui/get-json';
import { Notice } from '../ui/notice';
import { INCIDENT_KEYS, clock, formatDuration } from './incident-view';
import { RulesPanel } from './rules-panel';
import { useIncidentsLive } from './use-incidents-live';

interface Props {
  initialIncidents: IncidentWire[];
  initialRules: RuleWire[];
  liveEndpoint: LiveEndpoint;
  nowMs: number;
}

/** The first signal as a line: its alert and what it is about. */
export function firstSignalText(incident: IncidentWire): string {
  const first = incident.episodes.find((e) => e.id === incident.firstEpisodeId);
  if (!first) return '';
  const l = first.labels;
  return `${first.alertname} ${l.service ?? l.destination ?? ''}${l.target ? ` → ${l.target}` : ''}`.trim();
}

export function IncidentsClient({ initialIncidents, initialRules, liveEndpoint, nowMs }: Props) {
  const live = useIncidentsLive(liveEndpoint);
  const incidents = useQuery({
    queryKey: INCIDENT_KEYS.list,
    queryFn: () => getJson<IncidentWire[]>('/api/incidents'),
    initialData: initialIncidents,
    initialDataUpdatedAt: nowMs,
    refetchInterval: live ? false : 15_000,
  });
  const rules = useQuery({
    queryKey: INCIDENT_KEYS.rules,
    queryFn: () => getJson<RuleWire[]>('/api/rules'),
    initialData: initialRules,
    initialDataUpdatedAt: nowMs,
    refetchInterval: live ? false : 15_000,
  });
  // Ongoing durations tick; the server's clock until the page is interactive (no hydration mismatch).
  const [now, setNow] = useState(nowMs);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const list = incidents.data;

  return (
    <>
      <p className="small">
        <span className={live ? 'live-dot on' : 'live-dot'} title={live ? 'new and changed alerts arrive live' : 'refreshing every 15 s'} data-testid="live">
          {live ? 'Live' : 'Polling'}
        </span>
      </p>
      {incidents.error && <Notice title="Could not refresh the incidents" tone="error">{String(incidents.error)}</Notice>}
      {list.length === 0 ? (
        <p className="muted">No incidents in the last 24 hours.</p>
      ) : (
        <table className="table inc-list" data-testid="incidents">
          <thead>
            <tr>
              <th>Started</th>
              <th>Duration</th>
              <th>Services</th>
              <th>Signals</th>
              <th>First signal</th>
              <th>Suspected root cause</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id} data-incident={i.id}>
                <td>
                  <Link href={`/incidents/${i.id}`}>
                    {new Date(i.startMs).toLocaleDateString()} {clock(i.startMs)}
                  </Link>
                </td>
                <td>{i.endMs === null ? <span className="inc-ongoing">ongoing · {formatDuration(Math.max(0, now - i.startMs))}</span> : formatDuration(i.endMs - i.startMs)}</td>
                <td>
                  <div className="chips">
                    {i.nodes.map((n) => (
                      <span key={n} className="chip">
                        {n.replace(/^[a-z]+:/, '')}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="small">{i.signals.join(', ')}</td>
                <td className="small">{firstSignalText(i)}</td>
                <td className="inc-root">{i.rootCause ? <b>{i.rootCause.service ?? i.rootCause.node.replace(/^[a-z]+:/, '')}</b> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 style={{ marginTop: 28 }}>Alerting rules</h2>
      <p className="muted small">
        Built-in rules need no PromQL; rules from <code>MESHLIGHT_RULES_FILE</code> (Prometheus format) are evaluated over Meshlight&apos;s
        metrics and RED from traces (<code>meshlight_span_calls_total</code>, <code>meshlight_span_errors_total</code>,{' '}
        <code>meshlight_span_duration_seconds_bucket</code>) every 15 s.
      </p>
      <RulesPanel rules={rules.data} />
    </>
  );
}
