// GET|POST /api/v1/labels — Prometheus: label names, optionally of the series matching match[].
import { labelsParams, paramsObject } from '@/lib/contracts/prometheus-api';
import { labelNames } from '@/lib/db/metrics/prometheus-queries';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params) => {
  const p = labelsParams.parse(paramsObject(params));
  const names = await labelNames(p['match[]'], p.start, p.end);
  return p.limit ? names.slice(0, p.limit) : names;
});
