// What the replica-lag banner says, from /api/replication's status; null when there is nothing to say.
import type { ReplicationStatus } from '@/lib/contracts/replication-api';

export function replicaLagText(status: ReplicationStatus | null | undefined): string | null {
  if (!status || status.readFrom !== 'replica' || !status.lagging) return null;
  if (status.replayPaused) return 'Reading from a read replica whose replay is paused: the newest spans are not shown yet.';
  const seconds = Math.round(status.lagSeconds ?? 0);
  return `Reading from a read replica that is ${seconds} s behind the primary: the newest spans may be missing.`;
}
