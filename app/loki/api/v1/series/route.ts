// GET|POST /loki/api/v1/series?match[]= — the label sets of the streams matching the selectors.
import { lokiParams, lokiRoute, seriesOf } from '@/lib/http/loki-api';

export const dynamic = 'force-dynamic';

const handler = lokiRoute(async (request: Request, _context: unknown, nowNs) => seriesOf(await lokiParams(request), nowNs));
export const GET = handler;
export const POST = handler;
