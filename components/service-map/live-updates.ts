// What a live message does to the cached graph, as a pure step the hook (use-live-graph.ts) runs:
// a delta in sequence is merged (new nodes and edges appear, rates and health move); a gap in the
// sequence — deltas this client missed while its connection was behind — asks for a refetch. Also
// what the live toggle says when the socket closes.
import type { LiveMessage } from '@/lib/contracts/live-messages';
import { toGraphDelta } from '@/lib/contracts/live-messages';
import type { ServiceGraphResponse } from '@/lib/contracts/service-graph-api';
import { applyGraphDelta, type HealthThresholds } from '@/lib/domain/service-graph/graph';

export interface LiveState {
  /** The seq of the last delta seen; null before the first. */
  lastSeq: number | null;
}

export interface LiveStep {
  state: LiveState;
  /** The cache's next value (the same object when nothing changed). */
  graph: ServiceGraphResponse | undefined;
  refetch: boolean;
}

export function applyLiveMessage(
  state: LiveState,
  graph: ServiceGraphResponse | undefined,
  message: LiveMessage,
  environment: string | null,
  thresholds: HealthThresholds,
): LiveStep {
  if (message.type === 'hello') return { state: { lastSeq: null }, graph, refetch: false };
  // Breaker and lag changes are for the health overlays (use-health-overlay.ts), not the graph.
  if (message.type !== 'graph-delta') return { state, graph, refetch: false };
  const gap = state.lastSeq !== null && message.seq !== state.lastSeq + 1;
  const next = { lastSeq: message.seq };
  if (!graph) return { state: next, graph, refetch: false };
  const merged = applyGraphDelta(graph, toGraphDelta(message), environment, thresholds);
  const environments =
    environment === null
      ? [...new Set([...graph.environments, ...message.services.map((s) => s.env).filter(Boolean)])].sort()
      : graph.environments;
  const changed = merged !== graph || environments.length !== graph.environments.length;
  return { state: next, graph: changed ? { ...merged, environments, environment: graph.environment } : graph, refetch: gap };
}

/**
 * The live toggle's states. `polling`: the collector's /live never answered (it may run with
 * MESHLIGHT_LIVE=off); the map still refreshes on its reconcile interval and keeps retrying.
 */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'polling';

/** Failed attempts, without ever connecting, after which the map says it is polling. */
const ATTEMPTS_BEFORE_POLLING = 3;

/** What to show after the socket closed, given whether it ever connected and the attempts since. */
export function statusAfterClose(everConnected: boolean, failedAttempts: number): LiveStatus {
  return !everConnected && failedAttempts >= ATTEMPTS_BEFORE_POLLING ? 'polling' : 'reconnecting';
}
