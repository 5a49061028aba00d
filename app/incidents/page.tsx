// `/incidents`: incidents of the last 24 hours (grouped firing alerts, newest first) with their
// suspected root cause, and the alerting rules with their on/off switches. A thin server page: the
// first answer is read here, the client island (components/incidents) keeps it live.
import type { Metadata } from 'next';
import { IncidentsClient } from '@/components/incidents/incidents-client';
import { DatabaseProblem } from '@/components/ui/notice';
import type { RuleWire } from '@/lib/contracts/alerting-api';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import { listIncidents, listRules } from '@/lib/db/alerting-queries';
import type { Incident } from '@/lib/domain/incidents/incidents';
import { databaseProblem } from '@/lib/http/route-errors';
import '@/components/breakers/breakers.css';
import '@/components/incidents/incidents.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Incidents' };

export default async function IncidentsPage() {
  const now = Date.now();
  let incidents: Incident[];
  let rules: RuleWire[];
  try {
    [incidents, rules] = await Promise.all([listIncidents(now - 86_400_000, now), listRules()]);
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return (
    <>
      <div className="page-header">
        <h1>Incidents</h1>
        <p className="muted">
          Firing alerts that overlap in time on connected services, grouped, over the last 24 hours. Each suggests where to look first: the
          earliest signal in the most upstream service involved.
        </p>
      </div>
      <IncidentsClient initialIncidents={incidents} initialRules={rules} liveEndpoint={liveEndpointFromEnv()} nowMs={now} />
    </>
  );
}
