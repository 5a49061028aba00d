// GET|POST /api/v1/series — Prometheus: label sets of the series matching match[].
import { paramsObject, seriesParams } from '@/lib/contracts/prometheus-api';
import { seriesLabels } from '@/lib/db/metrics/prometheus-queries';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params) => {
  const p = seriesParams.parse(paramsObject(params));
  return seriesLabels(p['match[]'], p.start, p.end, p.limit);
});
