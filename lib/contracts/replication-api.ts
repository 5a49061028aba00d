// GET /api/replication: where the UI reads from and, when that is a streaming replica, how far its
// replay is behind the primary. Shared by the route and the banner that shows the lag.
import { z } from 'zod';

export const replicationStatusSchema = z.object({
  /** `replica` when DATABASE_READ_URL is set and that server is in recovery (a standby). */
  readFrom: z.enum(['primary', 'replica']),
  /**
   * Seconds of replay lag: now() − pg_last_xact_replay_timestamp() while the replica has WAL it has
   * not replayed yet, 0 once it replayed everything it received; null on the primary.
   */
  lagSeconds: z.number().nullable(),
  /** True when lagSeconds exceeds MESHLIGHT_REPLICA_LAG_WARN_SECONDS (or replay is paused). */
  lagging: z.boolean(),
  /** Replay paused on the replica (pg_wal_replay_pause()). */
  replayPaused: z.boolean(),
  warnAfterSeconds: z.number(),
});
export type ReplicationStatus = z.infer<typeof replicationStatusSchema>;
