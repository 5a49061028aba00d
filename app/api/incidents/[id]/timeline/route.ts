// GET /api/incidents/{id}/timeline — what the incident's page draws on its one time axis: breaker
// state bands, lag status per queue, error rate and p95 per involved service, log volume by
// severity, deploy markers, and example failing and slow traces (lib/db/incident-timeline.ts).
import { loadIncident } from '@/lib/db/alerting-queries';
import { loadIncidentTimeline } from '@/lib/db/incident-timeline';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const now = Date.now();
  const { incident } = await loadIncident(id, now);
  return jsonResponse(await loadIncidentTimeline(incident, now));
});
