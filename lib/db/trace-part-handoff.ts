// A large trace's compact parts read once for two readers in the same UI server: the trace page,
// which renders the first screen of the waterfall on the server (app/traces/[traceId]), and the
// island's GET /api/ui/traces/{id}?part= requests for the same parts, which that page preloads and
// which arrive while (or just after) the page reads them. The page reads the trace once, in one
// query (loadCompactTraceParts), and leaves each part here; each is handed to the first API request
// for that part and removed, or dropped after HANDOFF_TTL_MS, so nothing is served twice and no
// other request sees a cached trace. Kept on globalThis: pages and route handlers are separate
// bundles of one server process.
import type { CompactTracePart } from '../domain/trace-model';
import { loadCompactTracePart, loadCompactTraceParts } from './trace-explorer-queries';

const HANDOFF_TTL_MS = 15_000;
/** At most this many parts wait (a few large traces opened at once); the oldest go first. */
const MAX_WAITING = 16;

interface Waiting {
  read: Promise<CompactTracePart | undefined>;
  timer: ReturnType<typeof setTimeout>;
}

const store = ((globalThis as typeof globalThis & { meshlightTracePartHandoff?: Map<string, Waiting> }).meshlightTracePartHandoff ??= new Map());

const keyOf = (traceId: string, part: number, parts: number) => `${traceId}/${part}/${parts}`;

function drop(key: string): void {
  const waiting = store.get(key);
  if (!waiting) return;
  clearTimeout(waiting.timer);
  store.delete(key);
}

/** The page's read of every part (one query); each is left for the island's request of the same part. */
export function readTracePartsForPage(traceId: string, parts: number): Promise<Array<CompactTracePart | undefined>> {
  const whole = loadCompactTraceParts(traceId, parts);
  return Promise.all(
    Array.from({ length: parts }, (_, part) => {
      const key = keyOf(traceId, part, parts);
      drop(key);
      while (store.size >= MAX_WAITING) drop(store.keys().next().value!);
      const read = whole.then((found) => found?.[part]);
      const timer = setTimeout(() => store.delete(key), HANDOFF_TTL_MS);
      timer.unref?.();
      store.set(key, { read, timer });
      return read;
    }),
  );
}

/** The part as the page read it moments ago (once), else a fresh read; a failed page read is retried. */
export function takeTracePart(traceId: string, part: number, parts: number): Promise<CompactTracePart | undefined> {
  const key = keyOf(traceId, part, parts);
  const waiting = store.get(key);
  if (!waiting) return loadCompactTracePart(traceId, part, parts);
  drop(key);
  return waiting.read.catch(() => loadCompactTracePart(traceId, part, parts));
}
