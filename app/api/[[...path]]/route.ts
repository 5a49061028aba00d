// Any /api/... path no route handles: a Jaeger-shaped JSON 404 (gorilla/mux's "404 page not found"
// in Jaeger's error envelope) instead of Next's HTML page, which Jaeger UI would print whole as
// the error message. Known paths with an unsupported method answer 405 from their own route
// (methodNotAllowed in lib/http/route-errors.ts).
import { apiRoute } from '@/lib/http/route-errors';
import { jaegerErrorEnvelope } from '@/lib/jaeger/response';

export const dynamic = 'force-dynamic';

const notFound = apiRoute(async (request: Request) => {
  const path = new URL(request.url).pathname;
  return Response.json(jaegerErrorEnvelope(404, `404 page not found: ${path}`), { status: 404, headers: { 'cache-control': 'no-store' } });
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as HEAD };
