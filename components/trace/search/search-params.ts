// The trace search as URL parameters, both ways. The URL is the search's only state, so a search
// can be bookmarked and shared; names and formats are Jaeger's (lib/contracts/jaeger-query.ts),
// plus `errors=1` (only traces with an error span) and `lookback=custom` with `start`/`end` in
// Unix microseconds. Pure.

export interface AttributeFilter {
  key: string;
  value: string;
}

export interface SearchValues {
  service: string;
  operation: string;
  filters: AttributeFilter[];
  minDuration: string;
  maxDuration: string;
  lookback: string;
  /** Unix µs as text, for lookback=custom. */
  start: string;
  end: string;
  errorsOnly: boolean;
  limit: string;
}

export const DEFAULT_LOOKBACK = '1h';
export const DEFAULT_LIMIT = '20';

export function readSearchValues(params: URLSearchParams): SearchValues {
  const filters: AttributeFilter[] = [];
  for (const pair of params.getAll('tag')) {
    const colon = pair.indexOf(':');
    if (colon > 0) filters.push({ key: pair.slice(0, colon), value: pair.slice(colon + 1) });
  }
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    filters,
    minDuration: params.get('minDuration') ?? '',
    maxDuration: params.get('maxDuration') ?? '',
    lookback: params.get('lookback') || DEFAULT_LOOKBACK,
    start: params.get('start') ?? '',
    end: params.get('end') ?? '',
    errorsOnly: params.get('errors') === '1',
    limit: params.get('limit') || DEFAULT_LIMIT,
  };
}

export function writeSearchValues(values: SearchValues): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => value.trim() !== '' && params.set(key, value.trim());
  set('service', values.service);
  set('operation', values.operation);
  for (const filter of values.filters) {
    if (filter.key.trim() !== '') params.append('tag', `${filter.key.trim()}:${filter.value.trim()}`);
  }
  set('minDuration', values.minDuration);
  set('maxDuration', values.maxDuration);
  if (values.lookback !== DEFAULT_LOOKBACK) set('lookback', values.lookback);
  if (values.lookback === 'custom') {
    set('start', values.start);
    set('end', values.end);
  }
  if (values.errorsOnly) params.set('errors', '1');
  if (values.limit !== DEFAULT_LIMIT) set('limit', values.limit);
  return params;
}

/** datetime-local text (browser local time) ↔ Unix µs text. */
export function localInputToMicros(text: string): string {
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? String(ms * 1000) : '';
}

export function microsToLocalInput(micros: string): string {
  const ms = Number(micros) / 1000;
  if (!micros || !Number.isFinite(ms)) return '';
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}
