// GET|POST /loki/api/v1/query — an instant LogQL metric query (a vector).
import { instantQuery, lokiParams, lokiRoute } from '@/lib/http/loki-api';

export const dynamic = 'force-dynamic';

const handler = lokiRoute(async (request: Request, _context: unknown, nowNs) => instantQuery(await lokiParams(request), nowNs));
export const GET = handler;
export const POST = handler;
