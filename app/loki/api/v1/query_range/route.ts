// GET|POST /loki/api/v1/query_range — LogQL over a range: streams for log queries, a matrix for metrics.
import { lokiParams, lokiRoute, queryRange } from '@/lib/http/loki-api';

export const dynamic = 'force-dynamic';

const handler = lokiRoute(async (request: Request, _context: unknown, nowNs) => queryRange(await lokiParams(request), nowNs));
export const GET = handler;
export const POST = handler;
