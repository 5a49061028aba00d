'use client';
// The map's data: GET /api/service-graph for a window, cached by React Query under a key that
// names the window the way the user chose it — "the last 15 minutes" (live) or "15 minutes up to
// 10:40" (replay) — so live deltas (use-live-graph.ts) can update exactly that cache entry.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ServiceGraphResponse } from '@/lib/contracts/service-graph-api';
import type { HealthThresholds } from '@/lib/domain/service-graph/graph';

export interface GraphWindow {
  /** Window length. */
  lookbackMs: number;
  /** null: up to now (live); else the window's end. */
  endMs: number | null;
}

export interface GraphParams extends GraphWindow {
  environment: string | null;
  thresholds: HealthThresholds;
}

export function serviceGraphKey(params: GraphParams) {
  return ['service-graph', params.lookbackMs, params.endMs, params.environment, params.thresholds.degraded, params.thresholds.failing] as const;
}

export function serviceGraphUrl(params: GraphParams): string {
  const search = new URLSearchParams();
  if (params.endMs === null) search.set('lookback', `${Math.round(params.lookbackMs / 1000)}s`);
  else {
    search.set('start', String(params.endMs - params.lookbackMs));
    search.set('end', String(params.endMs));
  }
  if (params.environment !== null) search.set('environment', params.environment);
  search.set('degraded', String(params.thresholds.degraded));
  search.set('failing', String(params.thresholds.failing));
  return `/api/service-graph?${search}`;
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { errors?: Array<{ msg?: string }> };
      message = body.errors?.[0]?.msg ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  return (await response.json()) as T;
}

/** How often a live map re-reads its window from the rollups (deltas fill in between). */
export const LIVE_RECONCILE_MS = 30_000;

export function useServiceGraph(params: GraphParams) {
  return useQuery({
    queryKey: serviceGraphKey(params),
    queryFn: ({ signal }) => fetchJson<ServiceGraphResponse>(serviceGraphUrl(params), signal),
    refetchInterval: params.endMs === null ? LIVE_RECONCILE_MS : false,
    placeholderData: keepPreviousData,
  });
}
