// GET /api/breakers — every circuit breaker seen in the last hour, worst first:
// [{name, service, target, state, since, failureRate, slowCallRate, callsPerSecond, rejectedPerSecond, source, flapping}].
import { loadBreakers } from '@/lib/db/health-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => jsonResponse(await loadBreakers(Date.now() - 3600_000)));
