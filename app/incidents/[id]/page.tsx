// `/incidents/{id}`: one incident on one time axis (alerts, breakers, queue lag, RED per service,
// logs, deploys), the involved part of the service map, the suspected root cause and its evidence,
// and links from any moment to its failing traces, logs, open breakers and lagging queues.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { IncidentTimeline, InvolvedMap } from '@/components/incidents/incident-timeline';
import { clock, formatDuration } from '@/components/incidents/incident-view';
import { DatabaseProblem } from '@/components/ui/notice';
import { ApiError } from '@/lib/contracts/api-error';
import { loadIncident } from '@/lib/db/alerting-queries';
import { loadIncidentTimeline, type IncidentTimeline as Timeline } from '@/lib/db/incident-timeline';
import type { GraphEdge, Incident } from '@/lib/domain/incidents/incidents';
import { databaseProblem } from '@/lib/http/route-errors';
import '@/components/incidents/incidents.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Incident' };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const now = Date.now();
  let incident: Incident & { edges: GraphEdge[] };
  let timeline: Timeline;
  try {
    const loaded = await loadIncident(id, now);
    incident = { ...loaded.incident, edges: loaded.edges };
    timeline = await loadIncidentTimeline(loaded.incident, now);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  const root = incident.rootCause;
  return (
    <>
      <div className="page-header">
        <p className="small">
          <Link href="/incidents">← Incidents</Link>
        </p>
        <h1>
          Incident at {new Date(incident.startMs).toLocaleDateString()} {clock(incident.startMs)}
        </h1>
        <p className="muted">
          {incident.endMs === null ? <span className="inc-ongoing">Ongoing for {formatDuration(now - incident.startMs)}</span> : `Resolved after ${formatDuration(incident.endMs - incident.startMs)} at ${clock(incident.endMs)}`}
          {' · '}
          {incident.episodes.length} alert{incident.episodes.length === 1 ? '' : 's'} · signals: {incident.signals.join(', ')}
        </p>
      </div>
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
      <div className="inc-layout">
        <IncidentTimeline incident={incident} timeline={timeline} />
        <aside className="inc-side">
          <h2>Involved part of the service map</h2>
          <InvolvedMap incident={incident} />
        </aside>
      </div>
    </>
  );
}
