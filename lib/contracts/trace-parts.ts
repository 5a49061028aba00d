// How the trace page reads a stored trace: TRACE_PARTS concurrent parts of
// GET /api/ui/traces/{id}?part=&parts= (lib/contracts/trace-explorer-api.ts). Kept free of zod and
// of every server import: the trace page's client island imports it (zod alone is ~100 KB of
// browser JS), and the server page uses the same URLs to preload the parts with the navigation,
// so the island's fetches are answered from the preload cache.
/** Parts the UI splits a trace into: concurrent reads, and no response larger than it needs. */
export const TRACE_PARTS = 2;

export function tracePartUrl(traceId: string, part: number, parts = TRACE_PARTS): string {
  return `/api/ui/traces/${traceId}?part=${part}&parts=${parts}`;
}

export function tracePartUrls(traceId: string, parts = TRACE_PARTS): string[] {
  return Array.from({ length: parts }, (_, part) => tracePartUrl(traceId, part, parts));
}
