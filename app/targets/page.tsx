// `/targets`: every Prometheus scrape target's health, and the metrics whose new series the
// cardinality limit refused. Server-rendered first, then the island re-reads every 10 s.
import type { Metadata } from 'next';
import Link from 'next/link';
import { TargetsClient } from '@/components/metrics/targets-client';
import { DatabaseProblem } from '@/components/ui/notice';
import { listCardinalityRefusals, listScrapeTargets, type CardinalityRefusalView, type ScrapeTargetView } from '@/lib/db/metrics/scrape-targets';
import { databaseProblem } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Targets' };

export default async function TargetsPage() {
  let targets: ScrapeTargetView[];
  let refusals: CardinalityRefusalView[];
  try {
    [targets, refusals] = await Promise.all([listScrapeTargets(), listCardinalityRefusals()]);
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return (
    <div className="targets-page">
      <header className="page-header">
        <h1>Targets</h1>
        <p className="muted">
          Prometheus endpoints the collector scrapes: from <code>MESHLIGHT_SCRAPE_CONFIG</code> (static and file_sd), its own{' '}
          <code>/metrics</code>, and targets added here or through <code>POST /api/scrape-targets</code>. Their samples are in{' '}
          <Link href="/metrics">Metrics</Link>.
        </p>
      </header>
      {refusals.length > 0 && (
        <section className="notice notice-error" role="status">
          <h2>Series refused by the cardinality limit</h2>
          <p className="small">
            New series of these metrics were not stored because the metric already has <code>MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC</code>{' '}
            series. Drop a high-cardinality label at the source or raise the limit.
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>Metric</th>
                <th className="num">Series refused</th>
                <th>Last refused</th>
              </tr>
            </thead>
            <tbody>
              {refusals.map((r) => (
                <tr key={r.metric}>
                  <td className="mono">{r.metric}</td>
                  <td className="num">{r.refused}</td>
                  <td>{new Date(r.lastRefused).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <TargetsClient initial={targets} nowMs={Date.now()} />
    </div>
  );
}
