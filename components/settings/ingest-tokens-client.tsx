'use client';
// The Settings page's ingest tokens: the tokens created at runtime (name, created, last used,
// revoked), a form that creates one and shows its value this once, and Revoke. The collectors pick
// a change up within a few seconds (collector/receivers/stored-ingest-tokens.ts).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CreatedIngestToken, IngestTokenView } from '@/lib/contracts/ingest-tokens-api';
import './settings.css';

async function readTokens(signal?: AbortSignal): Promise<IngestTokenView[]> {
  const response = await fetch('/api/ingest-tokens', { signal });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.json();
}

async function send<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => null)) as (T & { errors?: { msg?: string }[] }) | null;
  if (!response.ok) throw new Error(body?.errors?.[0]?.msg ?? `${response.status} ${response.statusText}`);
  return body as T;
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—';
}

export function IngestTokensClient({ initial }: { initial: IngestTokenView[] }) {
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['ingest-tokens'], queryFn: ({ signal }) => readTokens(signal), initialData: initial, refetchInterval: 10_000 });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedIngestToken | null>(null);
  const create = useMutation({
    mutationFn: () =>
      send<CreatedIngestToken>('/api/ingest-tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }),
    onSuccess: (token) => {
      setCreated(token);
      setName('');
      return client.invalidateQueries({ queryKey: ['ingest-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => send<IngestTokenView>(`/api/ingest-tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['ingest-tokens'] }),
  });
  const list = tokens.data ?? [];

  return (
    <section className="settings-section" aria-labelledby="ingest-tokens-title">
      <h2 id="ingest-tokens-title">Ingest tokens</h2>
      <p className="muted small">
        Senders put a token in <code>Authorization: Bearer &lt;token&gt;</code> (OTLP/HTTP and gRPC, remote_write, Loki push, JSON lines,
        Zipkin). Once any token exists here or in <code>MESHLIGHT_INGEST_TOKENS</code>, every ingest request needs one. The collectors
        accept a new token and refuse a revoked one within a few seconds. Only a hash is stored: the value is shown once.
      </p>
      <form
        className="add-target"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          <span className="muted small">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="checkout-service, staging" maxLength={100} required />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
        {create.error && <span className="error-text small">{create.error.message}</span>}
      </form>
      {created && (
        <div className="notice notice-inline created-token" role="status">
          <p>
            Token <strong>{created.name}</strong> — copy it now, it is not shown again:
          </p>
          <code className="code-block" data-testid="created-token">
            {created.token}
          </code>
          <p>
            <button type="button" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </div>
      )}
      {revoke.error && <p className="error-text small">{revoke.error.message}</p>}
      {list.length === 0 ? (
        <p className="muted">No ingest tokens created here yet.</p>
      ) : (
        <table className="table ingest-tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((token) => (
              <tr key={token.id} data-testid="ingest-token-row">
                <td>{token.name}</td>
                <td className="mono small">{when(token.createdAt)}</td>
                <td className="mono small">{token.lastUsedAt ? when(token.lastUsedAt) : 'never'}</td>
                <td>{token.revokedAt ? <span className="badge badge-error">revoked {when(token.revokedAt)}</span> : <span className="badge">active</span>}</td>
                <td className="actions">
                  {!token.revokedAt && (
                    <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(token.id)} aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
