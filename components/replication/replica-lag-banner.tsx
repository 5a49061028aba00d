'use client';
// A one-line banner when the UI reads from a streaming replica that is behind the primary, so
// "where are my last spans?" has an answer on screen. Renders nothing otherwise.
import { useQuery } from '@tanstack/react-query';
import { replicationStatusSchema, type ReplicationStatus } from '@/lib/contracts/replication-api';
import { replicaLagText } from './replica-lag-text';

async function fetchReplicationStatus(): Promise<ReplicationStatus | null> {
  const response = await fetch('/api/replication', { cache: 'no-store' });
  if (!response.ok) return null;
  return replicationStatusSchema.parse(await response.json());
}

export function ReplicaLagBanner() {
  const { data } = useQuery({ queryKey: ['replication-status'], queryFn: fetchReplicationStatus, refetchInterval: 10_000 });
  const text = replicaLagText(data);
  if (!text) return null;
  return (
    <div className="notice notice-error small" role="status" data-testid="replica-lag">
      {text}
    </div>
  );
}
