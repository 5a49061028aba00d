// GET /api/lag/{system}/{destination}/{group}/history?start=&end= — a group's lag, status, rates and
// per-partition lag at each evaluation over the window (Unix ms; default the last hour).
import { parseHistoryWindow } from '@/lib/contracts/health-api';
import { ApiError } from '@/lib/contracts/api-error';
import { loadLagHistory } from '@/lib/db/health-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ system: string; destination: string; group: string }> }) => {
  const { system, destination, group } = await context.params;
  if (!['kafka', 'rabbitmq', 'nats'].includes(system)) throw new ApiError(400, 'system must be kafka, rabbitmq or nats');
  const { start, end } = parseHistoryWindow(new URL(request.url).searchParams, Date.now());
  return jsonResponse(await loadLagHistory(system, destination, group, start, end));
});
