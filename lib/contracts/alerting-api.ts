// Rules, alerts and incidents over HTTP (/api/rules, /api/alerts, /api/incidents): the shapes the
// route handlers answer with and the zod schemas of what they accept.
import { z } from 'zod';
import type { GraphEdge, Incident } from '../domain/incidents/incidents';
import type { ServiceGraph } from '../domain/service-graph/graph';

export interface RuleWire {
  id: string;
  kind: 'builtin' | 'file';
  name: string;
  group: string;
  expr: string | null;
  description: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  enabled: boolean;
  /** firing if any of its alerts fires, else pending if any is pending, else inactive. */
  state: 'firing' | 'pending' | 'inactive';
  firing: number;
  pending: number;
  lastEvaluation: number | null;
  lastError: string | null;
}

export interface AlertWire {
  ruleId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'resolved';
  value: number;
  activeAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
}

export type IncidentWire = Incident;

/**
 * GET /api/incidents/{id}: the incident, the service-graph edges touching its nodes (what it was
 * grouped on), and `map`: the involved part of the service map with the traffic of the incident's
 * window (request rate, error rate, p95 and health from the RED rollups, as /api/service-graph).
 */
export interface IncidentDetailWire extends IncidentWire {
  edges: GraphEdge[];
  map: ServiceGraph;
}

export const ruleToggleBody = z.object({ enabled: z.boolean() }).strict();

export const alertsQuery = z.object({
  state: z.enum(['pending', 'firing', 'resolved']).optional(),
});

/** An incident page's one time axis (read by lib/db/incident-timeline.ts). */
export interface Band {
  start: number;
  end: number;
  state: string;
}

export interface IncidentTimeline {
  start: number;
  end: number;
  breakers: Array<{ service: string; name: string; target: string | null; bands: Band[] }>;
  queues: Array<{ system: string; destination: string; group: string; bands: Band[]; maxLag: number }>;
  red: Array<{ service: string; points: Array<{ t: number; calls: number; errorRate: number | null; p95Ms: number | null }> }>;
  /** null: no logs table (the logs signal is not stored yet). */
  logs: Array<{ t: number; severity: string; count: number }> | null;
  deploys: Array<{ t: number; service: string; version: string }>;
  /**
   * Example traces of the involved services during the incident (from the per-minute RED rollups'
   * sampled trace ids): failing ones, earliest first, and the slowest ones.
   */
  examples: Array<{ service: string; traceId: string; t: number; kind: 'error' | 'slow'; latencyMs: number | null }>;
}
