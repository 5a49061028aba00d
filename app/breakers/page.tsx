// `/breakers`: every circuit breaker Meshlight sees, from any library, live. A thin server page
// around the client island (components/breakers).
import type { Metadata } from 'next';
import { BreakersClient } from '@/components/breakers/breakers-client';
import { parseBreakerFocus } from '@/components/breakers/breaker-view';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import '@/components/breakers/breakers.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Circuit breakers' };

// ?service=&name= (a deep link from an incident) scrolls to that breaker's tile and highlights it.
export default async function BreakersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const focus = parseBreakerFocus(await searchParams);
  return (
    <>
      <div className="page-header">
        <h1>Circuit breakers</h1>
        <p className="muted">
          State, failure rate and rejections of every breaker, from resilience4j, opossum, Polly and Envoy metrics and from spans; worst
          first. Click a red or amber band of a timeline for the failing traces of that moment.
        </p>
      </div>
      <BreakersClient liveEndpoint={liveEndpointFromEnv()} focus={focus} />
    </>
  );
}
