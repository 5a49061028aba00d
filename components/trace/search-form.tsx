'use client';
// The trace search form: service, operation, attribute filters (autocompleted from recent spans),
// duration range, a time range preset or a custom one, errors only, limit. Submitting writes the
// search into the URL (search-params.ts), which the server page reads.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { AttributeFilters } from './search/attribute-filters';
import { localInputToMicros, microsToLocalInput, writeSearchValues, type SearchValues } from './search/search-params';
import { useOperations } from './search/use-search-suggestions';

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
  ['custom', 'Custom range…'],
] as const;

interface Props {
  services: string[];
  operations: string[];
  values: SearchValues;
  error?: string;
}

export function SearchForm({ services, operations: initialOperations, values: initial, error }: Props) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [from, setFrom] = useState(microsToLocalInput(initial.start));
  const [to, setTo] = useState(microsToLocalInput(initial.end));
  const operations = useOperations(values.service, initial.service === values.service ? initialOperations : []);
  const set = (change: Partial<SearchValues>) => setValues((current) => ({ ...current, ...change }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = writeSearchValues({ ...values, start: localInputToMicros(from), end: localInputToMicros(to) });
    router.push(`/traces?${params.toString()}`);
  }

  return (
    <form className="search-form" method="get" action="/traces" onSubmit={submit} data-testid="search-form">
      <label>
        <span>Service</span>
        <select name="service" value={values.service} onChange={(event) => set({ service: event.target.value, operation: '' })}>
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
        <select name="operation" value={values.operation} onChange={(event) => set({ operation: event.target.value })} disabled={!values.service}>
          <option value="">All operations</option>
          {(operations.data ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Time range</span>
        <select name="lookback" value={values.lookback} onChange={(event) => set({ lookback: event.target.value })}>
          {LOOKBACK_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {values.lookback === 'custom' ? (
        <>
          <label>
            <span>From</span>
            <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} required />
          </label>
          <label>
            <span>To</span>
            <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
          </label>
        </>
      ) : null}
      <label className="narrow">
        <span>Min duration</span>
        <input name="minDuration" value={values.minDuration} onChange={(event) => set({ minDuration: event.target.value })} placeholder="e.g. 100ms" spellCheck={false} />
      </label>
      <label className="narrow">
        <span>Max duration</span>
        <input name="maxDuration" value={values.maxDuration} onChange={(event) => set({ maxDuration: event.target.value })} placeholder="e.g. 1.5s" spellCheck={false} />
      </label>
      <label className="tiny">
        <span>Limit</span>
        <input name="limit" type="number" min={1} max={1500} value={values.limit} onChange={(event) => set({ limit: event.target.value })} />
      </label>
      <label className="check">
        <input type="checkbox" checked={values.errorsOnly} onChange={(event) => set({ errorsOnly: event.target.checked })} data-testid="errors-only" />
        <span>Errors only</span>
      </label>
      <button type="submit">Find traces</button>
      <AttributeFilters service={values.service} filters={values.filters} onChange={(filters) => set({ filters })} />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
