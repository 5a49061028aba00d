'use client';
// The alerting rules with their state and an on/off switch (PATCH /api/rules/{id}); a switch
// refetches the rules (and the incidents, whose alerts resolve at the next evaluation).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RuleWire } from '@/lib/contracts/alerting-api';
import { INCIDENT_KEYS } from './incident-view';

export function RulesPanel({ rules }: { rules: RuleWire[] }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = async (rule: RuleWire) => {
    setBusy(rule.id);
    setError(null);
    const response = await fetch(`/api/rules/${encodeURIComponent(rule.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: !rule.enabled }),
    }).catch(() => null);
    if (!response?.ok) setError(`Could not switch ${rule.name}: ${response ? response.status : 'network error'}`);
    setBusy(null);
    await queryClient.invalidateQueries({ queryKey: INCIDENT_KEYS.rules });
  };
  if (rules.length === 0) return <p className="muted small">No rules yet: the collector stores them at its first evaluation.</p>;
  return (
    <>
      {error && <p className="error-text">{error}</p>}
      <table className="table inc-rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>What it watches</th>
            <th>State</th>
            <th>On</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td>
                <b>{r.name}</b>
                <div className="muted small">{r.kind === 'file' ? `rules file · ${r.group}` : 'built-in'}</div>
              </td>
              <td className="small">
                {r.expr ? <code>{r.expr}</code> : r.description}
                {r.lastError && <div className="muted">({r.lastError})</div>}
              </td>
              <td>
                <span className={`inc-state inc-state-${r.state}`}>{r.state}</span>
                {r.firing + r.pending > 1 && <span className="muted small"> ×{r.firing + r.pending}</span>}
              </td>
              <td>
                <label className="inc-switch">
                  <input type="checkbox" checked={r.enabled} disabled={busy === r.id} onChange={() => toggle(r)} aria-label={`${r.name} enabled`} />
                  {r.enabled ? 'on' : 'off'}
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
