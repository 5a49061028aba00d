// `/services/{service}`: one service's RED over time, for the service and for each operation,
// with links into its traces. A thin server page around the client island.
import type { Metadata } from 'next';
import Link from 'next/link';
import { ServicePageClient } from '@/components/service/service-page-client';
import { mapLink, tracesLink } from '@/components/service-map/links';

export const dynamic = 'force-dynamic';

/** Page params arrive percent-encoded (route handlers' arrive decoded); decode once, safely. */
function serviceName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

type PageProps = { params: Promise<{ service: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { service } = await params;
  return { title: serviceName(service) };
}

export default async function ServicePage({ params, searchParams }: PageProps) {
  const service = serviceName((await params).service);
  const query = await searchParams;
  const environment = typeof query.env === 'string' && query.env !== '' ? query.env : null;
  return (
    <>
      <div className="page-header">
        <h1>{service}</h1>
        <p className="muted">
          Rate, errors and duration of the requests and messages it handled, over time and per operation ·{' '}
          <Link href={mapLink({ focus: `service:${service}` })}>show on the service map</Link> ·{' '}
          <Link href={tracesLink({ service, window: { lookbackMs: 3_600_000, endMs: null } })}>search its traces</Link>
        </p>
      </div>
      <ServicePageClient service={service} environment={environment} />
    </>
  );
}
