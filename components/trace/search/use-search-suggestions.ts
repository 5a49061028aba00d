'use client';
// The search form's data: operations of the chosen service, and attribute keys and values seen on
// recent spans (GET /api/ui/attributes), for autocomplete. Fetch + thin useQuery each.
import { useQuery } from '@tanstack/react-query';
import type { AttributeSuggestions } from '@/lib/contracts/trace-explorer-api';
import { getJson } from '../explorer/use-trace';

export function useOperations(service: string, initial: string[]) {
  return useQuery({
    queryKey: ['operations', service],
    queryFn: async () => (await getJson<{ data: string[] | null }>(`/api/services/${encodeURIComponent(service)}/operations`)).data ?? [],
    enabled: service !== '',
    initialData: initial.length > 0 ? initial : undefined,
    staleTime: 60_000,
  });
}

/** `wanted`: asked only once a filter field has been focused, not on every page view or service change. */
export function useAttributeKeys(service: string, wanted = true) {
  return useQuery({
    queryKey: ['attribute-keys', service],
    queryFn: async () => (await getJson<AttributeSuggestions>(`/api/ui/attributes?${new URLSearchParams(service ? { service } : {})}`)).keys ?? [],
    enabled: wanted,
    staleTime: 60_000,
  });
}

export function useAttributeValues(service: string, key: string, wanted = true) {
  return useQuery({
    queryKey: ['attribute-values', service, key],
    queryFn: async () =>
      (await getJson<AttributeSuggestions>(`/api/ui/attributes?${new URLSearchParams(service ? { service, key } : { key })}`)).values ?? [],
    enabled: wanted && key.trim() !== '',
    staleTime: 60_000,
  });
}
