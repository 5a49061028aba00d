// GET /api/breakers/{service}/{name}/history?start=&end= — a breaker's transitions and state bands
// over the window (Unix ms; default the last hour).
import { parseHistoryWindow } from '@/lib/contracts/health-api';
import { loadBreakerHistory } from '@/lib/db/health-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ service: string; name: string }> }) => {
  const { service, name } = await context.params;
  const { start, end } = parseHistoryWindow(new URL(request.url).searchParams, Date.now());
  return jsonResponse(await loadBreakerHistory(service, name, start, end));
});
