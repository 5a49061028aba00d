'use client';
// Client-side providers for the whole app: React Query is the one client cache (live messages
// update or invalidate it). One QueryClient per browser tab.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { z } from 'zod';

// zod probes `new Function('')` for its JIT the first time it parses an object; under the page's
// CSP (no 'unsafe-eval', proxy.ts) that probe is a reported violation. Parse without it.
z.config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
