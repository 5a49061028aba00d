// GET /api/operations?service=&spanKind= — Jaeger's newer endpoint: [{name, spanKind}].
import { parseOperationsRequest } from '@/lib/contracts/jaeger-query';
import { listOperations } from '@/lib/db/trace-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerEnvelope } from '@/lib/jaeger/response';
import { toJaegerOperation } from '@/lib/jaeger/to-jaeger';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const { service, spanKind } = parseOperationsRequest(new URL(request.url).searchParams);
  const operations = (await listOperations(service, spanKind)).map((op) => toJaegerOperation(op.name, op.spanKind));
  return jsonResponse(jaegerEnvelope(operations, operations.length));
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
