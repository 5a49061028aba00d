// `/incidents`: incidents of the last 24 hours (grouped firing alerts, newest first) with their
// suspected root cause, and the alerting rules with their on/off switches.
import type { Metadata } from 'next';
import Link from 'next/link';
import { RulesPanel } from '@/components/incidents/rules-panel';
import { clock, formatDuration } from '@/components/incidents/incident-view';
import { DatabaseProblem } from '@/components/ui/notice';
import type { RuleWire } from '@/lib/contracts/alerting-api';
import { listIncidents, listRules } from '@/lib/db/alerting-queries';
import type { Incident } from '@/lib/domain/incidents/incidents';
import { databaseProblem } from '@/lib/http/route-errors';
import '@/components/incidents/incidents.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Incidents' };

export default async function IncidentsPage() {
  const now = Date.now();
  let incidents: Incident[];
  let rules: RuleWire[];
  try {
    [incidents, rules] = await Promise.all([listIncidents(now - 86_400_000, now), listRules()]);
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return (
    <>
      <div className="page-header">
        <h1>Incidents</h1>
        <p className="muted">
          Firing alerts that overlap in time on connected services, grouped, over the last 24 hours. Each suggests where to look first: the
          earliest signal in the most upstream service involved.
        </p>
      </div>
      {incidents.length === 0 ? (
        <p className="muted">No incidents in the last 24 hours.</p>
      ) : (
        <table className="table inc-list" data-testid="incidents">
          <thead>
            <tr>
              <th>Started</th>
              <th>Duration</th>
              <th>Services</th>
              <th>Signals</th>
              <th>First signal</th>
              <th>Suspected root cause</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => {
              const first = i.episodes.find((e) => e.id === i.firstEpisodeId);
              return (
                <tr key={i.id}>
                  <td>
                    <Link href={`/incidents/${i.id}`}>
                      {new Date(i.startMs).toLocaleDateString()} {clock(i.startMs)}
                    </Link>
                  </td>
                  <td>{i.endMs === null ? <span className="inc-ongoing">ongoing · {formatDuration(now - i.startMs)}</span> : formatDuration(i.endMs - i.startMs)}</td>
                  <td>
                    <div className="chips">
                      {i.nodes.map((n) => (
                        <span key={n} className="chip">
                          {n.replace(/^[a-z]+:/, '')}
                        </span>
                      ))}
                    </div>
                  </td>
                  <td className="small">{i.signals.join(', ')}</td>
                  <td className="small">{first ? `${first.alertname} ${first.labels.service ?? first.labels.destination ?? ''}` : ''}</td>
                  <td className="inc-root">{i.rootCause ? <b>{i.rootCause.service ?? i.rootCause.node.replace(/^[a-z]+:/, '')}</b> : <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2 style={{ marginTop: 28 }}>Alerting rules</h2>
      <p className="muted small">
        Built-in rules need no PromQL; rules from <code>MESHLIGHT_RULES_FILE</code> (Prometheus format) are evaluated over Meshlight&apos;s
        metrics and RED from traces (<code>meshlight_span_calls_total</code>, <code>meshlight_span_errors_total</code>,{' '}
        <code>meshlight_span_duration_seconds_bucket</code>) every 15 s.
      </p>
      <RulesPanel rules={rules} />
    </>
  );
}
