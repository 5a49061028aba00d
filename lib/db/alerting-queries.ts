// Reads (and the one write, the on/off switch) behind /api/rules, /api/alerts and /api/incidents.
// Rules and alerts go through Prisma's model API (small CRUD tables written by the collector's
// alert loop); incidents are built on read by lib/domain/incidents from alert_history's episodes
// and the service graph's edges over the window.
import type { AlertWire, IncidentDetailWire, RuleWire } from '../contracts/alerting-api';
import { ApiError } from '../contracts/api-error';
import { groupIncidents, type AlertEpisode, type GraphEdge, type Incident } from '../domain/incidents/incidents';
import { involvedGraph } from '../domain/incidents/involved-graph';
import { getDb, type Db } from './prisma';
import { loadServiceGraph } from './service-graph-queries';

const strings = (v: unknown): Record<string, string> => (v && typeof v === 'object' ? (v as Record<string, string>) : {});

export async function listRules(db: Db = getDb()): Promise<RuleWire[]> {
  const [rules, counts] = await Promise.all([
    db.prisma.alertRule.findMany({ where: { present: true }, orderBy: [{ kind: 'asc' }, { groupName: 'asc' }, { name: 'asc' }] }),
    db.prisma.alert.groupBy({ by: ['ruleId', 'state'], _count: { _all: true } }),
  ]);
  const count = (id: string, state: string) => counts.find((c) => c.ruleId === id && c.state === state)?._count._all ?? 0;
  return rules.map((r) => {
    const firing = count(r.id, 'firing');
    const pending = count(r.id, 'pending');
    return {
      id: r.id,
      kind: r.kind as RuleWire['kind'],
      name: r.name,
      group: r.groupName,
      expr: r.expr,
      description: r.description,
      forMs: Number(r.forMs),
      keepFiringForMs: Number(r.keepFiringForMs),
      labels: strings(r.labels),
      annotations: strings(r.annotations),
      enabled: r.enabled,
      state: firing ? 'firing' : pending ? 'pending' : 'inactive',
      firing,
      pending,
      lastEvaluation: r.lastEvalMs === null ? null : Number(r.lastEvalMs),
      lastError: r.lastError,
    };
  });
}

export async function setRuleEnabled(id: string, enabled: boolean, db: Db = getDb()): Promise<RuleWire> {
  const updated = await db.prisma.alertRule.updateMany({ where: { id, present: true }, data: { enabled, updatedMs: BigInt(Date.now()) } });
  if (updated.count === 0) throw new ApiError(404, `no rule with id ${JSON.stringify(id)}`);
  return (await listRules(db)).find((r) => r.id === id)!;
}

export async function listAlerts(state: AlertWire['state'] | undefined, db: Db = getDb()): Promise<AlertWire[]> {
  const rows = await db.prisma.alert.findMany({ where: state ? { state } : {}, orderBy: [{ activeAtMs: 'desc' }], take: 5000 });
  return rows.map((a) => ({
    ruleId: a.ruleId,
    labels: strings(a.labels),
    annotations: strings(a.annotations),
    state: a.state as AlertWire['state'],
    value: a.value,
    activeAt: Number(a.activeAtMs),
    firedAt: a.firedAtMs === null ? null : Number(a.firedAtMs),
    resolvedAt: a.resolvedAtMs === null ? null : Number(a.resolvedAtMs),
  }));
}

interface EpisodeRow {
  rule_id: string;
  labels_key: string;
  active_at_ms: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  start_ms: string;
  end_ms: string | null;
  last_ms: string;
  still_firing: boolean;
  value: number;
}

/**
 * Firing episodes overlapping [startMs, endMs]: from the first `→ firing` to the `→ resolved` after
 * it, ended when the resolved alert's condition last held (`ended_ms`; rows from before it existed:
 * the resolution's time).
 */
export async function loadEpisodes(startMs: number, endMs: number, db: Db = getDb()): Promise<AlertEpisode[]> {
  const { rows } = await db.pool.query<EpisodeRow>(
    `WITH e AS (
       SELECT rule_id, labels_key, active_at_ms,
              min(t_ms) FILTER (WHERE to_state = 'firing') AS start_ms,
              (array_agg(coalesce(ended_ms, t_ms) ORDER BY t_ms) FILTER (WHERE to_state = 'resolved'))[1] AS end_ms,
              max(t_ms) AS last_ms,
              (array_agg(labels ORDER BY t_ms DESC))[1] AS labels,
              (array_agg(annotations ORDER BY t_ms DESC) FILTER (WHERE annotations <> '{}'::jsonb))[1] AS annotations,
              max(value) FILTER (WHERE to_state = 'firing') AS value
       FROM alert_history WHERE t_ms <= $2::bigint AND active_at_ms >= $1::bigint - 86400000
       GROUP BY rule_id, labels_key, active_at_ms)
     SELECT e.*, EXISTS (SELECT 1 FROM alerts a WHERE a.rule_id = e.rule_id AND a.labels_key = e.labels_key AND a.active_at_ms = e.active_at_ms AND a.state = 'firing') AS still_firing
     FROM e WHERE start_ms IS NOT NULL AND coalesce(end_ms, $2::bigint) >= $1::bigint
     ORDER BY start_ms LIMIT 5000`,
    [startMs, endMs],
  );
  return rows.map((r) => {
    const end = r.end_ms !== null ? Number(r.end_ms) : r.still_firing ? null : Number(r.last_ms);
    return {
      id: `${r.rule_id}|${r.labels_key}|${r.active_at_ms}`,
      ruleId: r.rule_id,
      alertname: r.labels.alertname ?? r.rule_id,
      signal: r.labels.signal ?? 'promql',
      labels: r.labels,
      summary: r.annotations?.summary ?? r.annotations?.description ?? '',
      startMs: Number(r.start_ms),
      endMs: end,
      value: Number(r.value ?? 0),
    };
  });
}

/** The service graph's edges seen in the window, as node ids (`service:orders`). */
export async function loadGraphEdges(startMs: number, endMs: number, db: Db = getDb()): Promise<GraphEdge[]> {
  const { rows } = await db.pool.query<{ source: string; target: string }>(
    `SELECT DISTINCT source_kind || ':' || source_name AS source, target_kind || ':' || target_name AS target
     FROM service_graph_edge_minutes
     WHERE minute >= to_timestamp($1::float8 / 1000) - interval '1 hour' AND minute < to_timestamp($2::float8 / 1000) + interval '1 minute'
     LIMIT 20000`,
    [startMs, endMs],
  );
  return rows;
}

export async function listIncidents(startMs: number, endMs: number, db: Db = getDb()): Promise<Incident[]> {
  const [episodes, edges] = await Promise.all([loadEpisodes(startMs, endMs, db), loadGraphEdges(startMs, endMs, db)]);
  return groupIncidents(episodes, edges);
}

/** An incident by id; its id starts with its start time (base 36), which bounds the search. */
export async function loadIncident(id: string, nowMs: number, db: Db = getDb()): Promise<{ incident: Incident; edges: GraphEdge[] }> {
  const startMs = parseInt(id.split('-')[0] ?? '', 36);
  if (!/^[0-9a-z]+-[0-9a-f]{8}$/.test(id) || !Number.isFinite(startMs)) throw new ApiError(400, `not an incident id: ${JSON.stringify(id)}`);
  const windowStart = startMs - 6 * 3600_000;
  const [episodes, edges] = await Promise.all([loadEpisodes(windowStart, nowMs, db), loadGraphEdges(windowStart, nowMs, db)]);
  const incident = groupIncidents(episodes, edges).find((i) => i.id === id);
  if (!incident) throw new ApiError(404, `no incident ${id}`);
  return { incident, edges };
}

/**
 * An incident as GET /api/incidents/{id} and its page answer: the edges touching its nodes, and the
 * involved part of the service map with the traffic of its window (start to end, or to now while
 * it lasts), read by the service map's own query (loadServiceGraph).
 */
export async function loadIncidentDetail(id: string, nowMs: number, db: Db = getDb()): Promise<IncidentDetailWire> {
  const { incident, edges } = await loadIncident(id, nowMs, db);
  const nodes = new Set(incident.nodes);
  const touching = edges.filter((e) => nodes.has(e.source) || nodes.has(e.target));
  const endMs = Math.max(incident.endMs ?? nowMs, incident.startMs + 1);
  const traffic = await loadServiceGraph({ startMs: incident.startMs, endMs }, null, undefined, db);
  return { ...incident, edges: touching, map: involvedGraph(incident, touching, traffic) };
}
