// How far the database the UI reads from is behind the primary. On a streaming replica the honest
// figure is the age of the last transaction it replayed, but only while it has received WAL it has
// not replayed: an idle primary writes nothing, and a replica that replayed everything is current
// however old its last transaction is.
import type { ReplicationStatus } from '../contracts/replication-api';
import { getDb, readsFromReplica, type Db } from './prisma';

interface Row {
  in_recovery: boolean;
  caught_up: boolean | null;
  paused: boolean | null;
  lag_seconds: number | null;
}

export async function loadReplicationStatus(warnAfterSeconds: number, db: Db = getDb(), replica = readsFromReplica()): Promise<ReplicationStatus> {
  const { rows } = await db.pool.query<Row>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() END AS caught_up,
            CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused,
            CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_seconds`,
  );
  const row = rows[0]!;
  if (!replica || !row.in_recovery) return { readFrom: 'primary', lagSeconds: null, lagging: false, replayPaused: false, warnAfterSeconds };
  const lagSeconds = row.caught_up ? 0 : Math.max(0, row.lag_seconds ?? 0);
  const paused = row.paused === true;
  return { readFrom: 'replica', lagSeconds, lagging: paused || lagSeconds > warnAfterSeconds, replayPaused: paused, warnAfterSeconds };
}
