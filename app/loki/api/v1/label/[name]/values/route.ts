// GET /loki/api/v1/label/{name}/values — the values one label takes in [start, end].
import { labelValuesOf, lokiParams, lokiRoute } from '@/lib/http/loki-api';

export const dynamic = 'force-dynamic';

export const GET = lokiRoute(async (request: Request, context: { params: Promise<{ name: string }> }, nowNs) =>
  labelValuesOf((await context.params).name, await lokiParams(request), nowNs),
);
