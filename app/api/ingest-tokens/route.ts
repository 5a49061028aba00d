// GET /api/ingest-tokens — the runtime ingest tokens (never their values); POST {"name"} creates
// one and answers its value, this once. With the UI's login on, a session is needed (proxy.ts;
// read-only API tokens cannot reach these). The collectors accept a new token within a few seconds.
import { ApiError, badRequest } from '@/lib/contracts/api-error';
import { createIngestTokenSchema } from '@/lib/contracts/ingest-tokens-api';
import { createIngestToken, listIngestTokens } from '@/lib/db/ingest-tokens';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';
import { assertSameOrigin } from '@/lib/http/same-origin';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => jsonResponse(await listIngestTokens()));

export const POST = apiRoute(async (request: Request) => {
  assertSameOrigin(request);
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) throw new ApiError(415, 'send the body as Content-Type: application/json');
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw badRequest('the body must be JSON: {"name": "what the token is for"}');
  }
  const parsed = createIngestTokenSchema.safeParse(body);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return jsonResponse(await createIngestToken(parsed.data), 201);
});
