// PATCH /api/rules/{id} {"enabled": boolean} — switches a rule on or off; the collector's alert loop
// picks it up at its next evaluation (≤ 15 s). Answers the rule as GET /api/rules lists it.
import { ruleToggleBody } from '@/lib/contracts/alerting-api';
import { ApiError } from '@/lib/contracts/api-error';
import { setRuleEnabled } from '@/lib/db/alerting-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const PATCH = apiRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw new ApiError(400, 'body must be JSON: {"enabled": true|false}');
  }
  const body = ruleToggleBody.safeParse(raw);
  if (!body.success) throw new ApiError(400, `body must be {"enabled": true|false}: ${body.error.issues.map((i) => i.message).join('; ')}`);
  return jsonResponse(await setRuleEnabled(decodeURIComponent(id), body.data.enabled));
});
