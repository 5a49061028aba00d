// `/incidents/{id}`: one incident on one time axis (alerts, breakers, queue lag, RED per service,
// logs, deploys), the involved part of the service map, the suspected root cause and its evidence,
// where to start (the first signal, example failing traces, logs), and links from any moment to its
// failing traces, logs, open breakers and lagging queues. A thin server page: the first answers are
// read here, the client island (components/incidents/incident-client.tsx) keeps them live.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { IncidentClient } from '@/components/incidents/incident-client';
import { DatabaseProblem } from '@/components/ui/notice';
import { ApiError } from '@/lib/contracts/api-error';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import type { IncidentDetailWire } from '@/lib/contracts/alerting-api';
import { loadIncidentDetail } from '@/lib/db/alerting-queries';
import { loadIncidentTimeline, type IncidentTimeline as Timeline } from '@/lib/db/incident-timeline';
import { databaseProblem } from '@/lib/http/route-errors';
import '@/components/breakers/breakers.css';
import '@/components/incidents/incidents.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Incident' };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const now = Date.now();
  let incident: IncidentDetailWire;
  let timeline: Timeline;
  try {
    // The same answer GET /api/incidents/{id} gives, which the client island refetches.
    incident = await loadIncidentDetail(id, now);
    timeline = await loadIncidentTimeline(incident, now);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return <IncidentClient initialIncident={incident} initialTimeline={timeline} liveEndpoint={liveEndpointFromEnv()} nowMs={now} />;
}
