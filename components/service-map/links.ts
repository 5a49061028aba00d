// Links from the map and the service page into trace search (/traces, Jaeger's parameters) and
// single traces, for the window being looked at.
import type { GraphWindow } from './use-service-graph';

function windowParams(window: GraphWindow, params: URLSearchParams): void {
  if (window.endMs === null) {
    const minutes = Math.max(1, Math.round(window.lookbackMs / 60_000));
    params.set('lookback', minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`);
  } else {
    params.set('start', String((window.endMs - window.lookbackMs) * 1000));
    params.set('end', String(window.endMs * 1000));
  }
}

export function tracesLink(options: { service: string; operation?: string; errorsOnly?: boolean; window: GraphWindow }): string {
  const params = new URLSearchParams({ service: options.service });
  if (options.operation) params.set('operation', options.operation);
  if (options.errorsOnly) params.set('tags', JSON.stringify({ error: 'true' }));
  windowParams(options.window, params);
  return `/traces?${params}`;
}

export function traceLink(traceId: string): string {
  return `/traces/${traceId}`;
}

export function serviceLink(service: string): string {
  return `/services/${encodeURIComponent(service)}`;
}

export function mapLink(options: { focus?: string; trace?: string }): string {
  const params = new URLSearchParams();
  if (options.focus) params.set('focus', options.focus);
  if (options.trace) params.set('trace', options.trace);
  const text = params.toString();
  return `/service-map${text ? `?${text}` : ''}`;
}
