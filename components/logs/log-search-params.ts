// The /logs page's state lives in the URL: filters, free text and the time range are query
// parameters, so a search can be bookmarked and shared. Pure: parse the page's params, turn them
// into the API's query string for a given clock reading, and back into a URL after an edit.
import { SEVERITY_NAMES, type SeverityName } from '@/lib/domain/logs/severity';

export const LOOKBACKS = [
  ['15m', 15 * 60_000],
  ['1h', 3_600_000],
  ['6h', 6 * 3_600_000],
  ['24h', 24 * 3_600_000],
  ['7d', 7 * 24 * 3_600_000],
] as const;
export type Lookback = (typeof LOOKBACKS)[number][0];
export const DEFAULT_LOOKBACK: Lookback = '1h';

export interface LogFilters {
  service: string;
  severities: SeverityName[];
  q: string;
  traceId: string;
  correlationId: string;
  attrs: string[];
  /** Either a lookback from now… */
  lookback: Lookback;
  /** …or a fixed range (Unix ms) chosen by zooming the histogram; both set or neither. */
  startMs?: number;
  endMs?: number;
}

type Params = Pick<URLSearchParams, 'get' | 'getAll'>;

export function readLogFilters(params: Params): LogFilters {
  const lookback = params.get('lookback');
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  const fixed = Number.isFinite(start) && Number.isFinite(end) && start > 0 && end > start;
  return {
    service: params.get('service') ?? '',
    severities: (params.get('severity') ?? '')
      .split(',')
      .filter((s): s is SeverityName => (SEVERITY_NAMES as readonly string[]).includes(s)),
    q: params.get('q') ?? '',
    traceId: params.get('traceId') ?? '',
    correlationId: params.get('correlationId') ?? '',
    attrs: params.getAll('attr').filter((a) => a.includes(':')),
    lookback: LOOKBACKS.some(([l]) => l === lookback) ? (lookback as Lookback) : DEFAULT_LOOKBACK,
    startMs: fixed ? start : undefined,
    endMs: fixed ? end : undefined,
  };
}

/** The page URL's query for these filters (defaults left out). */
export function logFiltersToUrl(filters: LogFilters): string {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.severities.length) params.set('severity', filters.severities.join(','));
  if (filters.q) params.set('q', filters.q);
  if (filters.traceId) params.set('traceId', filters.traceId);
  if (filters.correlationId) params.set('correlationId', filters.correlationId);
  for (const attr of filters.attrs) params.append('attr', attr);
  if (filters.startMs !== undefined && filters.endMs !== undefined) {
    params.set('start', String(filters.startMs));
    params.set('end', String(filters.endMs));
  } else if (filters.lookback !== DEFAULT_LOOKBACK) {
    params.set('lookback', filters.lookback);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The time range the filters mean at `nowMs`. */
export function timeRangeOf(filters: LogFilters, nowMs: number): { startMs: number; endMs: number } {
  if (filters.startMs !== undefined && filters.endMs !== undefined) return { startMs: filters.startMs, endMs: filters.endMs };
  const ms = LOOKBACKS.find(([l]) => l === filters.lookback)![1];
  return { startMs: nowMs - ms, endMs: nowMs };
}

/** The /api/logs query string (without cursor and limit) for the filters at `nowMs`. */
export function logApiQuery(filters: LogFilters, nowMs: number): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.severities.length) params.set('severity', filters.severities.join(','));
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.traceId) params.set('traceId', filters.traceId);
  if (filters.correlationId) params.set('correlationId', filters.correlationId);
  for (const attr of filters.attrs) params.append('attr', attr);
  const { startMs, endMs } = timeRangeOf(filters, nowMs);
  params.set('start', String(Math.floor(startMs)));
  params.set('end', String(Math.ceil(endMs)));
  return params;
}
