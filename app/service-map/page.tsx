// `/service-map`: the live service dependency graph. A thin server page: it reads the view from
// the URL and where browsers reach the collector's live WebSocket, and hands both to the client
// island (components/service-map).
import type { Metadata } from 'next';
import { ServiceMapClient } from '@/components/service-map/service-map-client';
import { parseMapState } from '@/components/service-map/map-state';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Service map' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ServiceMapPage({ searchParams }: PageProps) {
  const initialState = parseMapState(await searchParams);
  return (
    <>
      <div className="page-header">
        <h1>Service map</h1>
        <p className="muted">
          Who calls whom, derived from spans as they arrive: rate, errors and latency on every edge. Click a node or an edge for
          details.
        </p>
      </div>
      <ServiceMapClient initialState={initialState} liveEndpoint={liveEndpointFromEnv()} />
    </>
  );
}
