'use client';
// `/targets`' table: every scrape target grouped by job with its health, last scrape, duration,
// samples, series refused by the cardinality limit and last error, re-read every 10 s; a form adds
// a runtime target (POST /api/scrape-targets) and API-added targets can be removed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ScrapeTargetView } from '@/lib/contracts/scrape-config';
import './metrics-explorer.css';

async function readTargets(signal?: AbortSignal): Promise<ScrapeTargetView[]> {
  const response = await fetch('/api/scrape-targets', { signal });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.json();
}

async function send(url: string, init: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: { msg?: string }[] } | null;
    throw new Error(body?.errors?.[0]?.msg ?? `${response.status} ${response.statusText}`);
  }
}

function ago(iso: string | null, nowMs: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s ago` : `${Math.floor(s / 3600)}h ago`;
}

export function TargetsClient({ initial, nowMs }: { initial: ScrapeTargetView[]; nowMs: number }) {
  const client = useQueryClient();
  const targets = useQuery({ queryKey: ['scrape-targets'], queryFn: ({ signal }) => readTargets(signal), initialData: initial, refetchInterval: 10_000 });
  const [form, setForm] = useState({ job: '', target: '', metricsPath: '/metrics', intervalSeconds: '15' });
  const add = useMutation({
    mutationFn: () =>
      send('/api/scrape-targets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ job: form.job, target: form.target, metricsPath: form.metricsPath || '/metrics', intervalSeconds: Number(form.intervalSeconds) || 15 }),
      }),
    onSuccess: () => {
      setForm({ ...form, target: '' });
      return client.invalidateQueries({ queryKey: ['scrape-targets'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => send(`/api/scrape-targets/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['scrape-targets'] }),
  });
  const list = targets.data ?? [];
  const jobs = [...new Set(list.map((t) => t.job))];
  const now = targets.dataUpdatedAt || nowMs;

  return (
    <>
      <form
        className="add-target"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          <span className="muted small">Job</span>
          <input value={form.job} onChange={(e) => setForm({ ...form, job: e.target.value })} placeholder="node" required />
        </label>
        <label>
          <span className="muted small">Target</span>
          <input className="mono" value={form.target} onChange={(e) => setForm({ ...form, target: e.target.value })} placeholder="host:port" required />
        </label>
        <label>
          <span className="muted small">Path</span>
          <input className="mono" value={form.metricsPath} onChange={(e) => setForm({ ...form, metricsPath: e.target.value })} />
        </label>
        <label>
          <span className="muted small">Interval (s)</span>
          <input type="number" min={1} value={form.intervalSeconds} onChange={(e) => setForm({ ...form, intervalSeconds: e.target.value })} style={{ width: 90 }} />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add target
        </button>
        {add.error && <span className="error-text small">{add.error.message}</span>}
        <span className="muted small">The collector starts scraping it within its reload interval (10 s).</span>
      </form>
      {list.length === 0 && <p className="muted">No scrape targets yet. The collector scrapes its own /metrics by default once it runs.</p>}
      {jobs.map((job) => {
        const rows = list.filter((t) => t.job === job);
        const up = rows.filter((t) => t.health === 'up').length;
        return (
          <section key={job}>
            <h2 className="job-title">
              {job} <span className="muted small">({up}/{rows.length} up)</span>
            </h2>
            <table className="table">
              <thead>
                <tr>
                  <th>Endpoint</th>
                  <th>Format</th>
                  <th>State</th>
                  <th>Labels</th>
                  <th>Last scrape</th>
                  <th className="num">Duration</th>
                  <th className="num">Samples</th>
                  <th className="num">Refused series</th>
                  <th>Error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td className="mono">
                      {t.scheme}://{t.target}
                      {t.metricsPath}
                      <div className="muted small">
                        every {t.intervalSeconds}s · {t.source === 'api' ? 'added here' : t.source === 'self' ? 'collector' : t.source === 'file_sd' ? 'file_sd' : 'config file'}
                      </div>
                    </td>
                    <td className="mono small" style={{ whiteSpace: 'nowrap' }} title={t.format === 'nats-jsz' ? 'NATS monitoring /jsz (JetStream consumers), read as broker lag' : 'Prometheus text / OpenMetrics'}>
                      {t.format}
                    </td>
                    <td>
                      <span className={`health health-${t.health}`}>
                        <span className="dot" aria-hidden="true" />
                        {t.health}
                      </span>
                    </td>
                    <td>
                      <div className="labels-cell">
                        {Object.entries(t.labels).map(([k, v]) => (
                          <span key={k} className="chip mono small">
                            {k}={v}
                          </span>
                        ))}
                      </div>
                    </td>
                    <td>{ago(t.lastScrape, now)}</td>
                    <td className="num">{t.lastDurationMs === null ? '–' : `${t.lastDurationMs.toFixed(1)} ms`}</td>
                    <td className="num">{t.samples ?? '–'}</td>
                    <td className={`num${t.refusedSeries ? ' error-text' : ''}`}>{t.refusedSeries}</td>
                    <td className="error-cell">{t.lastError ?? ''}</td>
                    <td className="actions">
                      {t.source === 'api' && (
                        <button type="button" onClick={() => remove.mutate(t.id)} disabled={remove.isPending} aria-label={`Remove ${t.target}`}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      {remove.error && <p className="error-text">{remove.error.message}</p>}
    </>
  );
}
