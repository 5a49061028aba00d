'use client';
// A service's RED over a window: GET /api/services/{service}/red, for the map's side panel and
// the service page (which imports it from here: the page builds on the map's pieces, never the reverse).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ServiceRedResponse } from '@/lib/contracts/service-graph-api';
import { fetchJson, type GraphWindow } from './use-service-graph';

export function serviceRedUrl(service: string, window: GraphWindow, environment: string | null): string {
  const search = new URLSearchParams();
  if (window.endMs === null) search.set('lookback', `${Math.round(window.lookbackMs / 1000)}s`);
  else {
    search.set('start', String(window.endMs - window.lookbackMs));
    search.set('end', String(window.endMs));
  }
  if (environment !== null) search.set('environment', environment);
  return `/api/services/${encodeURIComponent(service)}/red?${search}`;
}

export function useServiceRed(service: string | null, window: GraphWindow, environment: string | null) {
  return useQuery({
    queryKey: ['service-red', service, window.lookbackMs, window.endMs, environment],
    queryFn: ({ signal }) => fetchJson<ServiceRedResponse>(serviceRedUrl(service!, window, environment), signal),
    enabled: service !== null,
    refetchInterval: window.endMs === null ? 30_000 : false,
    placeholderData: keepPreviousData,
  });
}
