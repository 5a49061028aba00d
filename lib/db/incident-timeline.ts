// Everything an incident's page draws on its one time axis, read for the incident's window: each
// involved breaker's state bands (breaker_transitions), each queue's lag status (lag_history), error
// rate and p95 per involved service per minute (service_red_minutes), log volume by severity (logs),
// deploy markers (a service.version first seen in `resources` while another version of the service
// was seen before), and example failing and slow traces of the involved services (the trace ids
// the RED rollups keep per minute).
import { stateBands } from '../contracts/health-api';
import type { Incident } from '../domain/incidents/incidents';
import { destinationMatches } from '../domain/lag/destination-match';
import { SEVERITY_NAMES } from '../domain/logs/severity';
import { percentileUs } from '../domain/service-graph/latency-histogram';
import { pgRedSource } from './alerting-sources';
import { getDb, type Db } from './prisma';
import type { IncidentTimeline } from '../contracts/alerting-api';

export type { Band, IncidentTimeline } from '../contracts/alerting-api';

export async function loadIncidentTimeline(incident: Incident, nowMs: number, db: Db = getDb()): Promise<IncidentTimeline> {
  const end = Math.min(nowMs, (incident.endMs ?? nowMs) + 5 * 60_000);
  const start = incident.startMs - 5 * 60_000;
  const services = incident.services;
  // The messaging nodes, and the queues / groups the lag alerts name (the broker's names for them).
  const queues = [
    ...new Set([
      ...incident.nodes.filter((n) => n.startsWith('messaging:')).map((n) => n.slice('messaging:'.length)),
      ...incident.episodes.filter((e) => e.labels.destination && e.labels.system).map((e) => `${e.labels.system}/${e.labels.destination}`),
    ]),
  ];
  const q = async <Row>(sql: string, params?: unknown[]) => (await db.pool.query(sql, params)).rows as Row[];

  const [breakerIds, lagRows, redRows, deploys, logs, examples] = await Promise.all([
    q<{ service: string; name: string; target: string | null }>(
      `SELECT DISTINCT t.service, t.name, s.target FROM breaker_transitions t LEFT JOIN breaker_status s USING (service, name)
       WHERE t.t_ms <= $2::bigint AND (t.service = ANY($3) OR s.target = ANY($3))
         AND (t.t_ms >= $1::bigint OR s.state <> 'closed') LIMIT 50`,
      [start, end, services],
    ),
    q<{ system: string; destination: string; grp: string; t_ms: string; status: string; lag: number }>(
      `SELECT system, destination, grp, t_ms, status, lag FROM lag_history
       WHERE t_ms >= $1::bigint AND t_ms <= $2::bigint
         AND ((system || '/' || destination) = ANY($3) OR (system, destination, grp) IN (SELECT system, destination, grp FROM lag_history WHERE t_ms >= $1::bigint AND t_ms <= $2::bigint AND status <> 'OK'))
       ORDER BY t_ms LIMIT 20000`,
      [start, end, queues],
    ),
    pgRedSource(q).serviceMinutes(Math.floor(start / 60_000) * 60_000, end),
    q<{ service_name: string; version: string; first: string }>(
      `WITH v AS (SELECT service_name, attributes->>'service.version' AS version, (extract(epoch FROM min(first_seen)) * 1000)::bigint AS first
                  FROM resources WHERE attributes ? 'service.version' AND service_name = ANY($3) GROUP BY 1, 2)
       SELECT service_name, version, first FROM v
       WHERE first >= $1::bigint AND first <= $2::bigint AND EXISTS (SELECT 1 FROM v o WHERE o.service_name = v.service_name AND o.first < v.first)`,
      [start, end, services],
    ),
    loadLogVolume(db, start, end, services),
    loadExampleTraces(db, incident.startMs - 60_000, incident.endMs ?? nowMs, services),
  ]);

  const breakers = await Promise.all(
    breakerIds.map(async (b) => {
      const [before, within] = await Promise.all([
        q<{ to_state: string }>(`SELECT to_state FROM breaker_transitions WHERE service = $1 AND name = $2 AND t_ms < $3::bigint ORDER BY t_ms DESC LIMIT 1`, [b.service, b.name, start]),
        q<{ t_ms: string; from_state: string | null; to_state: string; source: string }>(
          `SELECT t_ms, from_state, to_state, source FROM breaker_transitions WHERE service = $1 AND name = $2 AND t_ms >= $3::bigint AND t_ms <= $4::bigint ORDER BY t_ms`,
          [b.service, b.name, start, end],
        ),
      ]);
      const transitions = within.map((r) => ({ t: Number(r.t_ms), from: r.from_state, to: r.to_state, source: r.source }));
      return { service: b.service, name: b.name, target: b.target, bands: stateBands(before[0]?.to_state ?? within[0]?.from_state ?? null, transitions, start, end) };
    }),
  );

  const queueMap = new Map<string, IncidentTimeline['queues'][number]>();
  // Only the incident's queues: those its lag alerts name, and the groups that lagged in the window
  // on one of its messaging nodes (the map's destination rule; the incident's services as consumers),
  // not every queue of the broker that lagged meanwhile.
  const named = new Set(queues);
  const nodeNames = incident.nodes.filter((n) => n.startsWith('messaging:')).map((n) => n.slice('messaging:'.length));
  const ours = new Map<string, boolean>();
  const isOurs = (system: string, destination: string) => {
    const key = `${system}/${destination}`;
    let v = ours.get(key);
    if (v === undefined) ours.set(key, (v = named.has(key) || nodeNames.some((n) => destinationMatches(n, system, destination, services))));
    return v;
  };
  for (const r of lagRows) {
    if (!isOurs(r.system, r.destination)) continue;
    const key = `${r.system}\u0000${r.destination}\u0000${r.grp}`;
    let entry = queueMap.get(key);
    if (!entry) queueMap.set(key, (entry = { system: r.system, destination: r.destination, group: r.grp, bands: [], maxLag: 0 }));
    const t = Number(r.t_ms);
    entry.maxLag = Math.max(entry.maxLag, Number(r.lag));
    const last = entry.bands.at(-1);
    if (last) last.end = t;
    if (!last || last.state !== r.status) entry.bands.push({ start: t, end: t, state: r.status });
  }

  const red = services.map((service) => ({
    service,
    points: redRows
      .filter((r) => r.service === service)
      .sort((a, b) => a.minuteMs - b.minuteMs)
      .map((r) => {
        const p95 = percentileUs(r.histogram, 0.95);
        return { t: r.minuteMs, calls: r.calls, errorRate: r.calls ? r.errors / r.calls : null, p95Ms: p95 === undefined ? null : p95 / 1000 };
      }),
  }));

  return {
    start,
    end,
    breakers,
    queues: [...queueMap.values()],
    red,
    logs,
    deploys: deploys.map((d) => ({ t: Number(d.first), service: d.service_name, version: d.version })),
    examples,
  };
}

/** Per service: up to 3 failing traces (the earliest minutes first: closest to the first signal) and the 2 slowest. */
async function loadExampleTraces(db: Db, start: number, end: number, services: string[]): Promise<IncidentTimeline['examples']> {
  if (services.length === 0) return [];
  const { rows } = await db.pool.query<{ service: string; kind: 'error' | 'slow'; trace_id: string; t: number; latency_ms: number | null }>(
    `WITH m AS (
       SELECT service_name, minute, error_trace_id, slow_trace_id, latency_max_us FROM service_red_minutes
       WHERE service_name = ANY($3) AND minute >= date_trunc('minute', to_timestamp($1::float8 / 1000)) AND minute <= to_timestamp($2::float8 / 1000)),
     e AS (SELECT service_name, 'error' AS kind, encode(error_trace_id, 'hex') AS trace_id, minute, NULL::float8 AS latency_ms,
                  row_number() OVER (PARTITION BY service_name ORDER BY minute) AS n
           FROM m WHERE error_trace_id IS NOT NULL),
     s AS (SELECT service_name, 'slow' AS kind, encode(slow_trace_id, 'hex') AS trace_id, minute, latency_max_us / 1000.0 AS latency_ms,
                  row_number() OVER (PARTITION BY service_name ORDER BY latency_max_us DESC) AS n
           FROM m WHERE slow_trace_id IS NOT NULL)
     SELECT service_name AS service, kind, trace_id, (extract(epoch FROM minute) * 1000)::float8 AS t, latency_ms FROM e WHERE n <= 3
     UNION ALL
     SELECT service_name, kind, trace_id, (extract(epoch FROM minute) * 1000)::float8, latency_ms FROM s WHERE n <= 2
     ORDER BY 1, 2, 4`,
    [start, end, services],
  );
  return rows.map((r) => ({ service: r.service, traceId: r.trace_id, t: Number(r.t), kind: r.kind, latencyMs: r.latency_ms === null ? null : Number(r.latency_ms) }));
}

/**
 * Log records per minute and severity range (TRACE … FATAL from severity_number, as
 * lib/domain/logs/severity names them) of the involved services. The range on time_ns keeps to the
 * (service_name, time_ns) index and prunes the logs' partitions. Null without a `logs` table (a
 * database from before the logs signal).
 */
async function loadLogVolume(db: Db, start: number, end: number, services: string[]): Promise<IncidentTimeline['logs']> {
  const { rows: table } = await db.pool.query(`SELECT to_regclass('logs') IS NOT NULL AS present`);
  if (!table[0]?.present) return null;
  if (services.length === 0) return [];
  const { rows } = await db.pool.query<{ t: number; severity: number; count: number }>(
    `SELECT (time_ns / 60000000000 * 60000)::float8 AS t, CASE WHEN severity_number BETWEEN 1 AND 24 THEN (severity_number - 1) / 4 ELSE -1 END AS severity,
            count(*)::float8 AS count
     FROM logs WHERE time_ns >= $1::bigint * 1000000 AND time_ns <= $2::bigint * 1000000 AND service_name = ANY($3)
     GROUP BY 1, 2 ORDER BY 1 LIMIT 20000`,
    [Math.floor(start), Math.ceil(end), services],
  );
  return rows.map((r) => ({ t: Number(r.t), severity: r.severity < 0 ? 'UNSET' : SEVERITY_NAMES[r.severity]!.toUpperCase(), count: Number(r.count) }));
}
