// GET /api/scrape-targets — every scrape target with its health; POST adds a runtime target.
import { badRequest } from '@/lib/contracts/api-error';
import { createScrapeTargetSchema } from '@/lib/contracts/scrape-config';
import { createScrapeTarget, listScrapeTargets } from '@/lib/db/metrics/scrape-targets';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => jsonResponse(await listScrapeTargets()));

export const POST = apiRoute(async (request: Request) => {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw badRequest('the body must be JSON: {"job", "target": "host:port", "format"?: "prometheus"|"nats-jsz", "metricsPath"?, "intervalSeconds"?, "labels"?}');
  }
  const parsed = createScrapeTargetSchema.safeParse(body);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return jsonResponse(await createScrapeTarget(parsed.data), 201);
});
