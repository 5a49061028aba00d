'use client';
// Data hooks of the logs views: fetch + pure transform + a thin react-query hook, as elsewhere.
// Pages of /api/logs are an infinite query keyed by the API query (the time range is fixed when
// the filters are applied, so scrolling further never shifts the window under the reader).
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { CorrelationView, LogsPage, VolumeBucket } from '@/lib/contracts/logs-api';
import { getJson, type HttpError } from '../ui/get-json';
import { logPagesView, type LogPagesView } from './log-pages';

export const LOG_PAGE_SIZE = 200;

export function useLogs(apiQuery: URLSearchParams, enabled = true) {
  const key = apiQuery.toString();
  return useInfiniteQuery<LogsPage, HttpError, LogPagesView, [string, string], string>({
    queryKey: ['logs', key],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(apiQuery);
      params.set('limit', String(LOG_PAGE_SIZE));
      if (pageParam) params.set('cursor', pageParam);
      return getJson<LogsPage>(`/api/logs?${params}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    select: (data) => logPagesView(data.pages, LOG_PAGE_SIZE),
    enabled,
  });
}

export interface VolumeResponse {
  stepMs: number;
  buckets: VolumeBucket[];
}

export const VOLUME_SEVERITIES = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unspecified'] as const;

export type VolumePoint = { t: number } & Record<(typeof VOLUME_SEVERITIES)[number], number>;

/** Buckets → one flat row per bucket with a count per severity (0 when absent), for recharts. */
export function volumeSeries(buckets: readonly VolumeBucket[]): VolumePoint[] {
  return buckets.map((bucket) => {
    const point = { t: bucket.t } as VolumePoint;
    for (const name of VOLUME_SEVERITIES) point[name] = bucket.counts[name] ?? 0;
    return point;
  });
}

export function useLogVolume(apiQuery: URLSearchParams) {
  const key = apiQuery.toString();
  return useQuery<VolumePoint[], HttpError>({
    queryKey: ['log-volume', key],
    queryFn: async () => volumeSeries((await getJson<VolumeResponse>(`/api/logs/volume?${key}`)).buckets),
  });
}

export function useCorrelation(id: string) {
  return useQuery<CorrelationView, HttpError>({
    queryKey: ['correlation', id],
    queryFn: () => getJson<CorrelationView>(`/api/correlation/${encodeURIComponent(id)}`),
  });
}
