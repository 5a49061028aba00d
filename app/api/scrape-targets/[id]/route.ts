// DELETE /api/scrape-targets/{id} — removes a target added through the API.
import { deleteScrapeTarget } from '@/lib/db/metrics/scrape-targets';
import { apiRoute } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  await deleteScrapeTarget(id);
  return new Response(null, { status: 204 });
});
