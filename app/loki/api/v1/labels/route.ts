// GET /loki/api/v1/labels — label names of the streams with logs in [start, end].
import { labels, lokiParams, lokiRoute } from '@/lib/http/loki-api';

export const dynamic = 'force-dynamic';

const handler = lokiRoute(async (request: Request, _context: unknown, nowNs) => labels(await lokiParams(request), nowNs));
export const GET = handler;
export const POST = handler;
