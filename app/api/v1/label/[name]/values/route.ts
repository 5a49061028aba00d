// GET /api/v1/label/{name}/values — Prometheus: values of one label (`__name__`: metric names).
import { labelNameSchema, labelsParams, paramsObject } from '@/lib/contracts/prometheus-api';
import { labelValues } from '@/lib/db/metrics/prometheus-queries';
import { PromqlError } from '@/lib/db/metrics/promql-port';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async (params, context: { params: Promise<{ name: string }> }) => {
  const { name: raw } = await context.params;
  const name = labelNameSchema.safeParse(decodeURIComponent(raw));
  if (!name.success) throw new PromqlError('bad_data', `invalid label name: "${raw}"`);
  const p = labelsParams.parse(paramsObject(params));
  const values = await labelValues(name.data, p['match[]'], p.start, p.end);
  return p.limit ? values.slice(0, p.limit) : values;
});
