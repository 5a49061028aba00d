'use client';
// Live mode: one WebSocket to the collector's /live, each delta merged into the React Query cache
// entry the map reads (live-updates.ts), so new services, edges and rates appear without a reload
// or a refetch. Reconnects with backoff; a missed delta or a reconnect invalidates the entry.
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { liveSocketUrl, type LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { parseLiveMessage } from '@/lib/contracts/live-messages';
import type { ServiceGraphResponse } from '@/lib/contracts/service-graph-api';
import type { HealthThresholds } from '@/lib/domain/service-graph/graph';
import type { BreakerWire, LagGroupResponse } from '@/lib/contracts/health-api';
import { mergeBreaker, mergeLag } from './health-overlay';
import { applyLiveMessage, statusAfterClose, type LiveState, type LiveStatus } from './live-updates';

export type { LiveStatus };

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];

export function useLiveGraph(options: {
  endpoint: LiveEndpoint;
  enabled: boolean;
  queryKey: QueryKey;
  environment: string | null;
  thresholds: HealthThresholds;
}): { status: LiveStatus; lastUpdateMs: number | null } {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('off');
  const [lastUpdateMs, setLastUpdateMs] = useState<number | null>(null);
  // The socket outlives re-renders; what it applies deltas to is read from a ref.
  const target = useRef(options);
  target.current = options;
  const endpointKey = JSON.stringify(options.endpoint);

  useEffect(() => {
    if (!options.enabled) {
      setStatus('off');
      return;
    }
    let socket: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let everConnected = false;
    let closed = false;
    let state: LiveState = { lastSeq: null };

    const connect = () => {
      if (attempts === 0) setStatus('connecting');
      socket = new WebSocket(liveSocketUrl(target.current.endpoint, window.location));
      socket.onmessage = (event) => {
        const message = parseLiveMessage(String(event.data));
        if (!message) return;
        // Breaker and lag changes go straight into the overlays' lists (a refetch could still read
        // the row from before the monitor's next write); the 5 s refetch reconciles the rest.
        if (message.type === 'breaker-state') {
          queryClient.setQueryData<BreakerWire[]>(['breakers'], (old) => mergeBreaker(old, message.breaker));
          return;
        }
        if (message.type === 'lag-status') {
          const merged = mergeLag(queryClient.getQueryData<LagGroupResponse[]>(['lag']), message.lag);
          if (merged) queryClient.setQueryData<LagGroupResponse[]>(['lag'], merged);
          else void queryClient.invalidateQueries({ queryKey: ['lag'] });
          return;
        }
        if (message.type === 'hello') {
          // After a reconnect, what happened while away is only in the rollups.
          if (attempts > 0) void queryClient.invalidateQueries({ queryKey: target.current.queryKey });
          attempts = 0;
          everConnected = true;
          setStatus('live');
        }
        const { queryKey, environment, thresholds } = target.current;
        let refetch = false;
        queryClient.setQueryData<ServiceGraphResponse>(queryKey, (graph) => {
          const step = applyLiveMessage(state, graph, message, environment, thresholds);
          state = step.state;
          refetch = step.refetch;
          return step.graph;
        });
        if (message.type === 'graph-delta') setLastUpdateMs(Date.now());
        if (refetch) void queryClient.invalidateQueries({ queryKey });
      };
      socket.onclose = () => {
        if (closed) return;
        const delay = BACKOFF_MS[Math.min(attempts++, BACKOFF_MS.length - 1)];
        setStatus(statusAfterClose(everConnected, attempts));
        retry = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [options.enabled, endpointKey, queryClient]);

  return { status, lastUpdateMs };
}
