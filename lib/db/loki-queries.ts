// The read side of Loki's HTTP API over the `logs` table: fetch the lines a LogQL query needs (time
// range, service_name matchers and leading |= / != filters pushed down into SQL; the rest of the
// selector and the pipeline run in lib/domain/logs/logql/evaluate.ts), and the label names, label
// values and series Grafana's Loki data source asks for. Stream labels are service_name plus the
// resource's attributes under Loki-legal names (service.name → service_name).
import type { LogExpr } from '../domain/logs/logql/ast';
import { LogQLError } from '../domain/logs/logql/ast';
import { selectorMatches, streamLabels, type Labels, type LogLine } from '../domain/logs/logql/evaluate';
import { getDb, type Db } from './prisma';

/** Most lines one query may read; past it the query is refused (narrow the range or selector). */
export const MAX_LINES_READ = 200_000;

interface LineRow {
  time_ns: string;
  body: string;
  service_name: string;
  resource_id: string;
  resource: Record<string, unknown> | null;
}

/** SQL for what can be decided without the pipeline; parameters appended to `values`. */
function pushdown(log: LogExpr, startNs: bigint, endNs: bigint, values: unknown[]): string {
  const param = (value: unknown) => `$${values.push(value)}`;
  const where = [`l.time_ns >= ${param(startNs.toString())}`, `l.time_ns <= ${param(endNs.toString())}`];
  for (const m of log.selector) {
    if (m.name !== 'service_name') continue;
    if (m.op === '=') where.push(`l.service_name = ${param(m.value)}`);
    else if (m.op === '!=') where.push(`l.service_name <> ${param(m.value)}`);
  }
  for (const stage of log.stages) {
    if (stage.kind !== 'line') break; // after a parser or line_format the line is no longer the body
    if (stage.op === '|=') where.push(`(${stage.values.map((v) => `strpos(l.body, ${param(v)}) > 0`).join(' OR ')})`);
    else if (stage.op === '!=') where.push(stage.values.map((v) => `strpos(l.body, ${param(v)}) = 0`).join(' AND '));
  }
  return where.join(' AND ');
}

export async function fetchLogLines(
  log: LogExpr,
  startNs: bigint,
  endNs: bigint,
  options: { max: number; direction: 'backward' | 'forward'; refuseOverflow: boolean },
  db: Db = getDb(),
): Promise<LogLine[]> {
  const values: unknown[] = [];
  const where = pushdown(log, startNs, endNs, values);
  const limit = Math.min(options.max, MAX_LINES_READ) + 1;
  const result = await db.pool.query<LineRow>(
    `SELECT l.time_ns::text AS time_ns, l.body, l.service_name, l.resource_id::text AS resource_id, r.attributes AS resource
       FROM logs l LEFT JOIN resources r ON r.id = l.resource_id
      WHERE ${where} ORDER BY l.time_ns ${options.direction === 'forward' ? 'ASC' : 'DESC'} LIMIT ${limit}`,
    values,
  );
  if (result.rows.length === limit && options.refuseOverflow) {
    throw new LogQLError(`the query would read more than ${limit - 1} log lines; narrow the time range or the stream selector`);
  }
  const labelCache = new Map<string, Labels>();
  const lines: LogLine[] = [];
  for (const row of result.rows.slice(0, limit - 1)) {
    const key = `${row.service_name}\u0000${row.resource_id}`;
    let labels = labelCache.get(key);
    if (!labels) labelCache.set(key, (labels = streamLabels(row.service_name, row.resource ?? {})));
    lines.push({ timeNs: BigInt(row.time_ns), line: row.body, labels });
  }
  return lines;
}

/** Most buckets countLogLines reads per stream; past it the lines are fetched one by one. */
export const MAX_COUNT_BUCKETS = 100_000;

/**
 * For a metric query whose pipeline is only |= / != line filters (countableInDatabase): the lines
 * in (fromNs, endNs] counted by the database per stream and bucket of `bucketNs` ending at
 * fromNs + k × bucketNs, as LogLines carrying `counted`, instead of every line. Undefined when the
 * range holds too many buckets (the caller fetches the lines).
 */
export async function countLogLines(log: LogExpr, fromNs: bigint, endNs: bigint, bucketNs: bigint, db: Db = getDb()): Promise<LogLine[] | undefined> {
  if (bucketNs <= 0n || (endNs - fromNs) / bucketNs > BigInt(MAX_COUNT_BUCKETS)) return undefined;
  const values: unknown[] = [];
  const where = pushdown(log, fromNs, endNs, values);
  const from = `$${values.push(fromNs.toString())}::bigint`;
  const width = `$${values.push(bucketNs.toString())}::bigint`;
  const result = await db.pool.query<{ service_name: string; resource_id: string; b: string; n: string; bytes: string; resource: Record<string, unknown> | null }>(
    `SELECT g.service_name, g.resource_id::text AS resource_id, g.b::text AS b, g.n::text AS n, g.bytes::text AS bytes, r.attributes AS resource
       FROM (SELECT l.service_name, l.resource_id, (l.time_ns - ${from} + ${width} - 1) / ${width} AS b, count(*) AS n, sum(octet_length(l.body)) AS bytes
               FROM logs l WHERE ${where} AND l.time_ns > ${from} GROUP BY 1, 2, 3) g
       LEFT JOIN resources r ON r.id = g.resource_id`,
    values,
  );
  const labelCache = new Map<string, Labels>();
  return result.rows.map((row) => {
    const key = `${row.service_name}\u0000${row.resource_id}`;
    let labels = labelCache.get(key);
    if (!labels) labelCache.set(key, (labels = streamLabels(row.service_name, row.resource ?? {})));
    return { timeNs: fromNs + BigInt(row.b) * bucketNs, line: '', labels, counted: { count: Number(row.n), bytes: Number(row.bytes) } };
  });
}

/** Every distinct stream label set with records in the range. */
export async function streamLabelSets(startNs: bigint, endNs: bigint, db: Db = getDb()): Promise<Labels[]> {
  const result = await db.pool.query<{ service_name: string; resource: Record<string, unknown> | null }>(
    `SELECT s.service_name, r.attributes AS resource
       FROM (SELECT DISTINCT service_name, resource_id FROM logs WHERE time_ns >= $1 AND time_ns <= $2) s
       LEFT JOIN resources r ON r.id = s.resource_id`,
    [startNs.toString(), endNs.toString()],
  );
  const seen = new Map<string, Labels>();
  for (const row of result.rows) {
    const labels = streamLabels(row.service_name, row.resource ?? {});
    seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
  }
  return [...seen.values()];
}

export async function labelNames(startNs: bigint, endNs: bigint, db: Db = getDb()): Promise<string[]> {
  const names = new Set<string>();
  for (const labels of await streamLabelSets(startNs, endNs, db)) for (const name of Object.keys(labels)) names.add(name);
  return [...names].sort();
}

export async function labelValues(name: string, startNs: bigint, endNs: bigint, db: Db = getDb()): Promise<string[]> {
  const values = new Set<string>();
  for (const labels of await streamLabelSets(startNs, endNs, db)) if (labels[name] !== undefined) values.add(labels[name]!);
  return [...values].sort();
}

export async function series(selectors: readonly LogExpr[], startNs: bigint, endNs: bigint, db: Db = getDb()): Promise<Labels[]> {
  const sets = await streamLabelSets(startNs, endNs, db);
  return sets.filter((labels) => selectors.length === 0 || selectors.some((s) => selectorMatches(s.selector, labels)));
}
