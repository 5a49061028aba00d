// GET /api/metrics/{latencies,calls,errors,minstep} — Jaeger's SPM API (the Monitor tab), answered
// from the service graph's operation rollups (lib/jaeger/metrics.ts), so RED per service and
// operation needs no Prometheus or spanmetrics connector. Like jaeger-query, the metric families are
// the body itself (no envelope); minstep is enveloped milliseconds.
import { notFound } from '@/lib/contracts/api-error';
import { METRICS_MIN_STEP_MS, parseLatenciesQuery, parseMetricsQuery } from '@/lib/contracts/jaeger-metrics';
import { loadMetricMinutes } from '@/lib/db/jaeger-metrics-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { metricFamily } from '@/lib/jaeger/metrics';
import { jaegerEnvelope } from '@/lib/jaeger/response';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ metric: string }> }) => {
  const { metric } = await context.params;
  const params = new URL(request.url).searchParams;
  const now = Date.now();
  switch (metric) {
    case 'minstep':
      return jsonResponse(jaegerEnvelope(METRICS_MIN_STEP_MS));
    case 'latencies': {
      const query = parseLatenciesQuery(params, now);
      return jsonResponse(metricFamily('latencies', query, await loadMetricMinutes(query, true)));
    }
    case 'calls':
    case 'errors': {
      const query = parseMetricsQuery(params, now);
      return jsonResponse(metricFamily(metric, query, await loadMetricMinutes(query, false)));
    }
    default:
      throw notFound(`404 page not found: /api/metrics/${metric}`);
  }
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
