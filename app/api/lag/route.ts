// GET /api/lag — every consumer group / queue / JetStream consumer updated in the last hour, worst
// first: [{system, cluster, destination, group, lag, lagSeconds, status, trend, consumeRate,
// produceRate, drainSeconds, consumers, partitions?, since, updated, tracesQueueMs}].
import { loadLagGroups } from '@/lib/db/health-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => {
  const now = Date.now();
  return jsonResponse(await loadLagGroups(now - 3600_000, now));
});
