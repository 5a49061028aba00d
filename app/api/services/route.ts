// GET /api/services — Jaeger: names of every service that reported spans.
import { listServices } from '@/lib/db/trace-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerEnvelope } from '@/lib/jaeger/response';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => {
  const services = await listServices();
  return jsonResponse(jaegerEnvelope(services, services.length));
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
