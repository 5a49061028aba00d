// GET /api/alerts?state=pending|firing|resolved — the current alerts of every rule, per label set.
import { alertsQuery } from '@/lib/contracts/alerting-api';
import { ApiError } from '@/lib/contracts/api-error';
import { listAlerts } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const query = alertsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new ApiError(400, 'state must be pending, firing or resolved');
  return jsonResponse(await listAlerts(query.data.state));
});
