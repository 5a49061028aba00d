'use client';
// Data hooks of the trace explorer: fetch (here) + pure transform (prepared-trace.ts) + a thin
// useQuery. A trace is fetched as TRACE_PARTS concurrent parts (lib/contracts/trace-parts.ts)
// and never refetched: stored spans of a trace do not change once it is complete. The trace page
// preloads the same URLs with the navigation, so these fetches find their responses on the way.
import { useQuery } from '@tanstack/react-query';
import type { SpanDetailResponse, TraceSearchResponse, UploadedTrace } from '@/lib/contracts/trace-explorer-api';
import { TRACE_PARTS, tracePartUrls } from '@/lib/contracts/trace-parts';
import type { CompactTracePart } from '@/lib/domain/trace-model';
import { HttpError, getJson } from '../../ui/get-json';
import { prepareTrace, type PreparedTrace } from './prepared-trace';

// Shared with the other features' hooks (components/ui/get-json.ts); re-exported for existing imports.
export { HttpError, getJson } from '../../ui/get-json';

export async function fetchTraceParts(traceId: string, parts = TRACE_PARTS): Promise<CompactTracePart[]> {
  return Promise.all(tracePartUrls(traceId, parts).map((url) => getJson<CompactTracePart>(url)));
}

export const traceQueryKey = (traceId: string) => ['trace', traceId] as const;

/**
 * The prepared trace. `initial` is the whole trace when the server already had it (the trace page
 * renders small traces on the server): no fetch then, and the hydrating render sees the same rows.
 */
export function useTrace(traceId: string | undefined, initial?: CompactTracePart) {
  return useQuery<PreparedTrace, HttpError>({
    queryKey: traceQueryKey(traceId ?? ''),
    queryFn: async () => prepareTrace(await fetchTraceParts(traceId!)),
    initialData: initial ? () => prepareTrace([initial]) : undefined,
    enabled: !!traceId,
    staleTime: Infinity,
    gcTime: 5 * 60_000,
    retry: (count, error) => error.status !== 404 && error.status !== 400 && count < 1,
  });
}

/** Where span details come from: the API, or the file that was uploaded. */
export type DetailSource = { kind: 'stored' } | { kind: 'uploaded'; upload: UploadedTrace };

export function useSpanDetail(traceId: string, spanId: string | undefined, source: DetailSource) {
  return useQuery<SpanDetailResponse, HttpError>({
    queryKey: ['span', source.kind, traceId, spanId ?? ''],
    queryFn: async () => {
      if (source.kind === 'uploaded') {
        const span = source.upload.details[spanId!];
        if (!span) throw new HttpError(404, 'span not in the file');
        return { span, linkedFrom: [] };
      }
      return getJson<SpanDetailResponse>(`/api/ui/traces/${traceId}/spans/${spanId}`);
    },
    enabled: !!spanId,
    staleTime: Infinity,
  });
}

/** Span ids whose attributes/events match, searched on the server (stored traces only). */
export function useAttributeSearch(traceId: string, text: string, enabled: boolean) {
  const q = text.trim();
  return useQuery<string[], HttpError>({
    queryKey: ['trace-search', traceId, q],
    queryFn: async () => (await getJson<TraceSearchResponse>(`/api/ui/traces/${traceId}/search?q=${encodeURIComponent(q)}`)).spanIds,
    enabled: enabled && q.length >= 2,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
}
