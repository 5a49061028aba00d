'use client';
// The trace search form. It works as a plain GET form (the URL holds the whole search, so a search
// can be shared); with JavaScript it also refreshes the operation list when the service changes
// and leaves empty fields out of the URL.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

export interface SearchFormValues {
  service: string;
  operation: string;
  tags: string;
  minDuration: string;
  maxDuration: string;
  lookback: string;
  limit: string;
}

export const LOOKBACK_OPTIONS = [
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['30m', 'Last 30 minutes'],
  ['1h', 'Last hour'],
  ['2h', 'Last 2 hours'],
  ['6h', 'Last 6 hours'],
  ['12h', 'Last 12 hours'],
  ['24h', 'Last 24 hours'],
  ['2d', 'Last 2 days'],
  ['7d', 'Last 7 days'],
] as const;

interface Props {
  services: string[];
  operations: string[];
  values: SearchFormValues;
  error?: string;
}

export function SearchForm({ services, operations: initialOperations, values, error }: Props) {
  const router = useRouter();
  const [service, setService] = useState(values.service);
  const [operations, setOperations] = useState(initialOperations);

  async function changeService(next: string) {
    setService(next);
    setOperations([]);
    if (!next) return;
    const response = await fetch(`/api/services/${encodeURIComponent(next)}/operations`);
    if (response.ok) {
      const body = (await response.json()) as { data: string[] | null };
      setOperations(body.data ?? []);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(event.currentTarget)) {
      if (typeof value === 'string' && value.trim() !== '') params.set(key, value.trim());
    }
    router.push(`/traces?${params.toString()}`);
  }

  return (
    <form className="search-form" method="get" action="/traces" onSubmit={submit}>
      <label>
        <span>Service</span>
        <select name="service" value={service} onChange={(event) => void changeService(event.target.value)}>
          <option value="">All services</option>
          {services.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Operation</span>
        <select name="operation" defaultValue={values.operation} key={service} disabled={!service}>
          <option value="">All operations</option>
          {operations.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="wide">
        <span>Tags</span>
        <input
          name="tags"
          defaultValue={values.tags}
          placeholder="error=true http.route=/cart"
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <label>
        <span>Lookback</span>
        <select name="lookback" defaultValue={values.lookback}>
          {LOOKBACK_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="narrow">
        <span>Min duration</span>
        <input name="minDuration" defaultValue={values.minDuration} placeholder="e.g. 100ms" spellCheck={false} />
      </label>
      <label className="narrow">
        <span>Max duration</span>
        <input name="maxDuration" defaultValue={values.maxDuration} placeholder="e.g. 1.5s" spellCheck={false} />
      </label>
      <label className="tiny">
        <span>Limit</span>
        <input name="limit" type="number" min={1} max={1500} defaultValue={values.limit} />
      </label>
      <button type="submit">Find traces</button>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
