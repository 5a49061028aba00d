// GET|POST /api/v1/query — Prometheus: evaluate an instant query.
import { instantQueryParams, paramsObject } from '@/lib/contracts/prometheus-api';
import { instantQuery } from '@/lib/db/metrics/prometheus-queries';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params) => {
  const p = instantQueryParams.parse(paramsObject(params));
  return instantQuery(p.query, p.time ?? Date.now());
});
