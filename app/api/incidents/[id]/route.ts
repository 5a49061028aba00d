// GET /api/incidents/{id} — one incident with its alert episodes, suspected root cause and the
// service-graph edges among its nodes.
import { loadIncident } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { incident, edges } = await loadIncident(id, Date.now());
  const nodes = new Set(incident.nodes);
  return jsonResponse({ ...incident, edges: edges.filter((e) => nodes.has(e.source) || nodes.has(e.target)) });
});
