// GET /api/dependencies?endTs=&lookback= — Jaeger's dependency links (parent, child, callCount)
// over [endTs − lookback, endTs], milliseconds, default the last 24 hours. Read from the service
// graph's per-minute rollups; every edge counts, databases, brokers and users included.
import { parseDependenciesRequest } from '@/lib/contracts/service-graph-api';
import { loadDependencyLinks } from '@/lib/db/service-graph-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerEnvelope } from '@/lib/jaeger/response';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const window = parseDependenciesRequest(new URL(request.url).searchParams, Date.now());
  const links = await loadDependencyLinks(window);
  return jsonResponse(jaegerEnvelope(links, links.length));
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
