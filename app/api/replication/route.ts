// GET /api/replication — {readFrom, lagSeconds, lagging, replayPaused, warnAfterSeconds}: whether the
// UI reads from a streaming replica (DATABASE_READ_URL) and how far behind its replay is.
import { parseUiEnv } from '@/lib/contracts/env';
import { replicationStatusSchema } from '@/lib/contracts/replication-api';
import { loadReplicationStatus } from '@/lib/db/replication-queries';
import { apiRoute, jsonResponse } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => {
  const status = await loadReplicationStatus(parseUiEnv().MESHLIGHT_REPLICA_LAG_WARN_SECONDS ?? 5);
  return jsonResponse(replicationStatusSchema.parse(status));
});
