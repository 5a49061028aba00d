// `/`: the services overview. Server-rendered on every request (it reads the database).
import { ServiceMapPreview } from '@/components/service-map/service-map-preview';
import { ServiceList } from '@/components/services/service-list';
import { DatabaseProblem, NoSpansYet } from '@/components/ui/notice';
import { collectorOtlpHttpEndpoint } from '@/lib/contracts/env';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import { listServiceOverviews } from '@/lib/db/trace-queries';
import type { ServiceOverview } from '@/lib/domain/services';
import { databaseProblem } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export default async function ServicesPage() {
  let services: ServiceOverview[];
  try {
    services = await listServiceOverviews();
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return (
    <>
      <div className="page-header">
        <h1>Services</h1>
        <p className="muted">
          {services.length === 0
            ? 'Nothing has reported yet.'
            : `${services.length} service${services.length === 1 ? '' : 's'} reporting spans. Pick one to search its traces.`}
        </p>
      </div>
      {services.length === 0 ? (
        <NoSpansYet otlpEndpoint={collectorOtlpHttpEndpoint()} />
      ) : (
        <>
          <ServiceMapPreview liveEndpoint={liveEndpointFromEnv()} />
          <ServiceList services={services} nowMs={Date.now()} />
        </>
      )}
    </>
  );
}
