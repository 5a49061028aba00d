// GET /api/v1/metadata — Prometheus: TYPE/HELP/UNIT per metric family.
import { metadataParams, paramsObject } from '@/lib/contracts/prometheus-api';
import { metricMetadata } from '@/lib/db/metrics/prometheus-queries';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params) => {
  const p = metadataParams.parse(paramsObject(params));
  return metricMetadata(p.metric, p.limit);
});
