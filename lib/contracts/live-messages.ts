// Messages the collector pushes to browsers over its WebSocket at `/live` (on the OTLP/HTTP port,
// collector/live/live-hub.ts), described with zod so the UI validates what it receives. JSON text
// frames, at most one graph delta per interval (1 s). Node references travel as node ids
// (`service:checkout`, `messaging:kafka/orders`; see lib/domain/service-graph/types.ts) to keep
// the frames small.
import { z } from 'zod';
import type { GraphDelta } from '../domain/service-graph/graph';
import { CONNECTION_TYPES, parseNodeId, type NodeRef } from '../domain/service-graph/types';
import { breakerWire, lagWire } from './health-api';
import { logTailErrorMessage, logTailMessage } from './log-tail';

export const LIVE_PATH = '/live';
export const LIVE_PROTOCOL_VERSION = 1;

export const helloMessage = z.object({
  type: z.literal('hello'),
  version: z.literal(LIVE_PROTOCOL_VERSION),
  serverTimeMs: z.number(),
  /** How often deltas come, at most. */
  intervalMs: z.number().int().positive(),
});

const nodeIdText = z.string().refine((id) => parseNodeId(id) !== undefined, 'not a node id');

export const graphDeltaMessage = z.object({
  type: z.literal('graph-delta'),
  /** Increases by one per delta; a gap means deltas were skipped (a slow client): refetch. */
  seq: z.number().int().nonnegative(),
  /** End of the interval the delta covers (collector clock). */
  atMs: z.number(),
  edges: z.array(
    z.object({
      source: nodeIdText,
      target: nodeIdText,
      type: z.enum(CONNECTION_TYPES as [string, ...string[]]),
      env: z.string(),
      calls: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
    }),
  ),
  services: z.array(
    z.object({
      service: z.string(),
      env: z.string(),
      calls: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
    }),
  ),
});

/** A circuit breaker changed state (sent as soon as the collector sees it). */
export const breakerStateMessage = z.object({ type: z.literal('breaker-state'), breaker: breakerWire });

/** A consumer group's / queue's lag status changed. */
export const lagStatusMessage = z.object({ type: z.literal('lag-status'), lag: lagWire });

const alertStateName = z.enum(['inactive', 'pending', 'firing', 'resolved']);

/**
 * Alerts changed state at an evaluation of the alert loop (collector/alerting), sent once they are
 * stored: incidents are built from the stored alerts on read, so a page showing rules, alerts or
 * incidents refetches them. At most MAX_ALERT_TRANSITIONS travel; `more` counts the rest.
 */
export const alertsChangedMessage = z.object({
  type: z.literal('alerts-changed'),
  atMs: z.number(),
  transitions: z.array(
    z.object({
      ruleId: z.string(),
      alertname: z.string(),
      labels: z.record(z.string(), z.string()),
      from: alertStateName,
      to: alertStateName,
      atMs: z.number(),
    }),
  ),
  more: z.number().int().nonnegative(),
});
export const MAX_ALERT_TRANSITIONS = 50;

export const liveMessage = z.discriminatedUnion('type', [
  helloMessage,
  graphDeltaMessage,
  breakerStateMessage,
  lagStatusMessage,
  alertsChangedMessage,
  // The live tail of logs (lib/contracts/log-tail.ts), to the connection that subscribed.
  logTailMessage,
  logTailErrorMessage,
]);

export type HelloMessage = z.infer<typeof helloMessage>;
export type GraphDeltaMessage = z.infer<typeof graphDeltaMessage>;
export type BreakerStateMessage = z.infer<typeof breakerStateMessage>;
export type LagStatusMessage = z.infer<typeof lagStatusMessage>;
export type AlertsChangedMessage = z.infer<typeof alertsChangedMessage>;
export type LiveMessage = z.infer<typeof liveMessage>;

/** Parses one text frame; undefined for anything that is not a valid message. */
export function parseLiveMessage(text: string): LiveMessage | undefined {
  try {
    const result = liveMessage.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** The wire delta as the domain's GraphDelta (node ids back to references). */
export function toGraphDelta(message: GraphDeltaMessage): GraphDelta {
  const ref = (id: string) => parseNodeId(id) as NodeRef;
  return {
    atMs: message.atMs,
    edges: message.edges.map((e) => ({
      source: ref(e.source),
      target: ref(e.target),
      connectionType: e.type as GraphDelta['edges'][number]['connectionType'],
      environment: e.env,
      calls: e.calls,
      errors: e.errors,
    })),
    services: message.services.map((s) => ({ service: s.service, environment: s.env, calls: s.calls, errors: s.errors })),
  };
}
