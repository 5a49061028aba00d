// GET /api/incidents/{id} — one incident with its alert episodes, suspected root cause, the
// service-graph edges among its nodes and the involved part of the map with the traffic of the
// incident's window (lib/contracts/alerting-api: IncidentDetailWire).
import { loadIncidentDetail } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  return jsonResponse(await loadIncidentDetail(id, Date.now()));
});
