'use client';
// Breakers and lag for the map's overlays: /api/breakers and /api/lag, refetched every 5 s and at
// once when the live socket reports a change (use-live-graph.ts invalidates these keys).
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { BreakerWire, LagGroupResponse } from '@/lib/contracts/health-api';
import type { ServiceGraph } from '@/lib/domain/service-graph/graph';
import { getJson } from '../ui/get-json';
import { buildHealthOverlay, type HealthOverlay } from './health-overlay';

const EMPTY: HealthOverlay = { breakers: new Map(), lag: new Map() };

export function useHealthOverlay(graph: ServiceGraph | undefined): HealthOverlay {
  const breakers = useQuery({ queryKey: ['breakers'], queryFn: () => getJson<BreakerWire[]>('/api/breakers'), refetchInterval: 5000 });
  const lag = useQuery({ queryKey: ['lag'], queryFn: () => getJson<LagGroupResponse[]>('/api/lag'), refetchInterval: 5000 });
  return useMemo(() => (graph ? buildHealthOverlay(graph, breakers.data ?? [], lag.data ?? []) : EMPTY), [graph, breakers.data, lag.data]);
}
