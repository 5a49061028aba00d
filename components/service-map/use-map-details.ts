'use client';
// The side panel's and the highlight's data: one edge's detail (GET /api/service-graph/edge) and
// the path of one trace (GET /api/service-graph/trace-path).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { EdgeDetailResponse, TracePathResponse } from '@/lib/contracts/service-graph-api';
import type { GraphEdge } from '@/lib/domain/service-graph/graph';
import { fetchJson, type GraphWindow } from './use-service-graph';

export function edgeDetailUrl(edge: Pick<GraphEdge, 'source' | 'target' | 'connectionType'>, window: GraphWindow, environment: string | null): string {
  const search = new URLSearchParams({ source: edge.source, target: edge.target, type: edge.connectionType });
  if (window.endMs === null) search.set('lookback', `${Math.round(window.lookbackMs / 1000)}s`);
  else {
    search.set('start', String(window.endMs - window.lookbackMs));
    search.set('end', String(window.endMs));
  }
  if (environment !== null) search.set('environment', environment);
  return `/api/service-graph/edge?${search}`;
}

export function useEdgeDetail(edge: GraphEdge | null, window: GraphWindow, environment: string | null) {
  return useQuery({
    queryKey: ['service-graph-edge', edge?.id ?? null, window.lookbackMs, window.endMs, environment],
    queryFn: ({ signal }) => fetchJson<EdgeDetailResponse>(edgeDetailUrl(edge!, window, environment), signal),
    enabled: edge !== null,
    placeholderData: keepPreviousData,
  });
}

export function useTracePath(traceId: string | null) {
  return useQuery({
    queryKey: ['trace-path', traceId],
    queryFn: ({ signal }) => fetchJson<TracePathResponse>(`/api/service-graph/trace-path?traceId=${encodeURIComponent(traceId!)}`, signal),
    enabled: traceId !== null && traceId !== '',
    staleTime: Infinity,
    retry: false,
  });
}
