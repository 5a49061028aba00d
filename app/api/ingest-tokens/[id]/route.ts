// DELETE /api/ingest-tokens/{id} — revokes the token (the row stays, marked revoked); the collectors
// refuse it within a few seconds. Answers the token's entry.
import { badRequest } from '@/lib/contracts/api-error';
import { revokeIngestToken } from '@/lib/db/ingest-tokens';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';
import { assertSameOrigin } from '@/lib/http/same-origin';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  assertSameOrigin(request);
  const { id } = await context.params;
  if (!/^[0-9a-f-]{1,64}$/i.test(id)) throw badRequest(`'${id.slice(0, 80)}' is not an ingest token id`);
  return jsonResponse(await revokeIngestToken(id));
});
