// GET /api/rules — every alerting rule (built-in and from MESHLIGHT_RULES_FILE) with its switch and
// state: [{id, kind, name, group, expr, description, forMs, keepFiringForMs, labels, annotations, enabled, state, firing, pending, lastEvaluation, lastError}].
import { listRules } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => jsonResponse(await listRules()));
