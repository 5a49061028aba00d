// GET|POST /api/v1/query_range — Prometheus: evaluate a query over a range at a step.
import { paramsObject, rangeQueryParams } from '@/lib/contracts/prometheus-api';
import { rangeQuery } from '@/lib/db/metrics/prometheus-queries';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params) => {
  const p = rangeQueryParams.parse(paramsObject(params));
  return rangeQuery(p.query, p.start, p.end, p.step);
});
