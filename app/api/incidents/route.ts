// GET /api/incidents?start=&end= (Unix ms; default the last 24 h) — incidents overlapping the window,
// newest first: [{id, startMs, endMs, nodes, services, signals, episodes, firstEpisodeId, rootCause}].
import { parseHistoryWindow } from '@/lib/contracts/health-api';
import { listIncidents } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  if (!params.has('start') && !params.has('end')) params.set('start', String(Date.now() - 86_400_000));
  const { start, end } = parseHistoryWindow(params, Date.now());
  return jsonResponse(await listIncidents(start, end));
});
