'use client';
// The explorer's reads from Meshlight's Prometheus API (/api/v1/...), one react-query hook each.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MatrixSeries } from './chart-data';

export class PromApiError extends Error {
  override name = 'PromApiError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** GET (or, for long queries, form POST) an /api/v1 endpoint; `data` on success, PromApiError otherwise. */
export async function promFetch<T>(path: string, params: Record<string, string | string[]>, signal?: AbortSignal): Promise<T> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
    signal,
  });
  let json: { status?: string; data?: T; error?: string; errorType?: string };
  try {
    json = await response.json();
  } catch {
    throw new PromApiError('internal', `${response.status} ${response.statusText}`);
  }
  if (json.status !== 'success') throw new PromApiError(json.errorType ?? 'internal', json.error ?? `${response.status} ${response.statusText}`);
  return json.data as T;
}

export interface RangeQueryInput {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
}

export function useRangeQuery(input: RangeQueryInput | null, live: boolean) {
  return useQuery({
    queryKey: ['prom-range', input],
    queryFn: ({ signal }) =>
      promFetch<{ resultType: string; result: MatrixSeries[] }>(
        '/api/v1/query_range',
        { query: input!.query, start: String(input!.startMs / 1000), end: String(input!.endMs / 1000), step: String(input!.stepMs / 1000) },
        signal,
      ),
    enabled: input !== null && input.query.trim() !== '',
    placeholderData: keepPreviousData,
    refetchInterval: live ? 30_000 : false,
    retry: (count, error) => !(error instanceof PromApiError && error.errorType === 'bad_data') && count < 1,
  });
}

export function useMetricNames() {
  return useQuery({
    queryKey: ['prom-metric-names'],
    queryFn: ({ signal }) => promFetch<string[]>('/api/v1/label/__name__/values', {}, signal),
    staleTime: 60_000,
  });
}

export interface MetadataEntry {
  type: string;
  help: string;
  unit: string;
}

export function useMetadata() {
  return useQuery({
    queryKey: ['prom-metadata'],
    queryFn: ({ signal }) => promFetch<Record<string, MetadataEntry[]>>('/api/v1/metadata', {}, signal),
    staleTime: 60_000,
  });
}

export function useLabelNames(metric: string | null) {
  return useQuery({
    queryKey: ['prom-label-names', metric],
    queryFn: ({ signal }) => promFetch<string[]>('/api/v1/labels', metric ? { 'match[]': metric } : {}, signal),
    staleTime: 60_000,
  });
}

export function useLabelValues(label: string, metric: string | null) {
  return useQuery({
    queryKey: ['prom-label-values', label, metric],
    queryFn: ({ signal }) => promFetch<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, metric ? { 'match[]': metric } : {}, signal),
    enabled: label !== '',
    staleTime: 60_000,
  });
}
