// GET /api/services/{service}/operations — Jaeger's older endpoint: unique operation names of a
// service, whatever their span kind.
import { listOperations } from '@/lib/db/trace-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerEnvelope } from '@/lib/jaeger/response';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ service: string }> }) => {
  const { service } = await context.params;
  const operations = await listOperations(service);
  const names = [...new Set(operations.map((operation) => operation.name))];
  return jsonResponse(jaegerEnvelope(names, names.length));
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
