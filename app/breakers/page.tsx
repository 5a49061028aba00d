// `/breakers`: every circuit breaker Meshlight sees, from any library, live. A thin server page
// around the client island (components/breakers).
import type { Metadata } from 'next';
import { BreakersClient } from '@/components/breakers/breakers-client';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import '@/components/breakers/breakers.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Circuit breakers' };

export default function BreakersPage() {
  return (
    <>
      <div className="page-header">
        <h1>Circuit breakers</h1>
        <p className="muted">
          State, failure rate and rejections of every breaker, from resilience4j, opossum, Polly and Envoy metrics and from spans; worst
          first. Click a red or amber band of a timeline for the failing traces of that moment.
        </p>
      </div>
      <BreakersClient liveEndpoint={liveEndpointFromEnv()} />
    </>
  );
}
