// `/metrics`: the metrics explorer. A thin server page: reads the URL state, hands it to the island.
import type { Metadata } from 'next';
import { readExplorerState } from '@/components/metrics/explorer-state';
import { MetricsExplorer } from '@/components/metrics/metrics-explorer';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Metrics' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function MetricsPage({ searchParams }: PageProps) {
  const initial = readExplorerState(await searchParams);
  return (
    <>
      <header className="page-header">
        <h1>Metrics</h1>
        <p className="muted">
          Scraped, remote-written and OTLP metrics, queried with PromQL. The same data answers Grafana&apos;s Prometheus data source at{' '}
          <code>/api/v1</code>.
        </p>
      </header>
      <MetricsExplorer initial={initial} />
    </>
  );
}
