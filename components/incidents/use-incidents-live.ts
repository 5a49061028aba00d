'use client';
// The incident pages' live updates: the collector pushes `alerts-changed` once an evaluation's
// alert transitions are stored (and `breaker-state` / `lag-status` as they happen); each message
// invalidates the React Query entries it makes stale (staleIncidentQueries), which refetch at once.
// Answers whether the page is live (else the pages poll).
import { useQueryClient } from '@tanstack/react-query';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { useLiveMessages } from '../live/use-live-messages';
import { staleIncidentQueries } from './incident-view';

export function useIncidentsLive(endpoint: LiveEndpoint): boolean {
  const queryClient = useQueryClient();
  return useLiveMessages(endpoint, (message) => {
    for (const queryKey of staleIncidentQueries(message)) void queryClient.invalidateQueries({ queryKey });
  });
}
