// Loki's HTTP query API on the UI server (https://grafana.com/docs/loki/latest/reference/loki-http-api/):
// parameter parsing as Loki does it, the handlers behind app/loki/api/v1/*, and Loki's response and
// error shapes: `{"status":"success","data":…}`, and for a bad query a 400 whose plain-text body
// is the message (what Grafana's Loki data source shows).
import { ApiError } from '../contracts/api-error';
import { LogQLError, type LogExpr } from '../domain/logs/logql/ast';
import { countableInDatabase, evaluateLogs, evaluateMetric, logExprOf, metricBucketNs } from '../domain/logs/logql/evaluate';
import { parseDurationMs, parseLogQL } from '../domain/logs/logql/parse';
import { countLogLines, fetchLogLines, labelNames, labelValues, series } from '../db/loki-queries';
import { isDatabaseUnavailable } from './route-errors';

const HOUR_NS = 3_600_000_000_000n;
const MAX_LIMIT = 5000;

function badData(message: string): LogQLError {
  return new LogQLError(message);
}

/** Loki's parseTimestamp: float seconds, ≤10 digits = seconds, longer = nanoseconds, or RFC 3339. */
export function parseLokiTime(name: string, value: string | null, fallback: bigint): bigint {
  if (value === null || value === '') return fallback;
  if (value.includes('.') && /^\d+\.\d*$/.test(value)) {
    const [whole, fraction = ''] = value.split('.') as [string, string];
    return BigInt(whole) * 1_000_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  }
  if (/^-?\d{1,19}$/.test(value)) return value.replace('-', '').length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(ms)) {
    const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
    return BigInt(Math.floor(ms / 1000)) * 1_000_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  }
  throw badData(`invalid ${name}: cannot parse "${value.slice(0, 40)}" to a valid timestamp`);
}

function parseStepNs(value: string | null, startNs: bigint, endNs: bigint): bigint {
  if (value === null || value === '') {
    // Loki's default: (end - start) / 250, at least one second.
    const step = (endNs - startNs) / 250n;
    return step > 1_000_000_000n ? (step / 1_000_000_000n) * 1_000_000_000n : 1_000_000_000n;
  }
  if (/^\d+(\.\d+)?$/.test(value)) return BigInt(Math.round(Number(value) * 1e9));
  try {
    return BigInt(parseDurationMs(value)) * 1_000_000n;
  } catch {
    throw badData(`invalid step: cannot parse "${value.slice(0, 40)}"`);
  }
}

function parseLimit(value: string | null): number {
  if (value === null || value === '') return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw badData('limit must be a positive value');
  if (n > MAX_LIMIT) throw badData(`max entries limit per query exceeded, limit > max_entries_limit (${n} > ${MAX_LIMIT})`);
  return n;
}

function parseDirection(value: string | null): 'backward' | 'forward' {
  if (value === null || value === '' || value.toLowerCase() === 'backward') return 'backward';
  if (value.toLowerCase() === 'forward') return 'forward';
  throw badData(`invalid direction "${value.slice(0, 20)}"`);
}

function requireQuery(params: URLSearchParams): string {
  const query = params.get('query');
  if (!query) throw badData('query parameter is required');
  return query;
}

function success(data: unknown): Response {
  return Response.json({ status: 'success', data });
}

const STATS = { summary: { bytesProcessedPerSecond: 0, linesProcessedPerSecond: 0, totalBytesProcessed: 0, totalLinesProcessed: 0, execTime: 0 } };

/** The lines a metric query reads: counted per bucket by the database when it can, else fetched. */
async function metricLines(log: LogExpr, fromNs: bigint, endNs: bigint, bucketNs: bigint) {
  const counted = countableInDatabase(log) ? await countLogLines(log, fromNs, endNs, bucketNs) : undefined;
  return counted ?? (await fetchLogLines(log, fromNs, endNs, { max: Number.MAX_SAFE_INTEGER, direction: 'forward', refuseOverflow: true }));
}

export async function queryRange(params: URLSearchParams, nowNs: bigint): Promise<Response> {
  const parsed = parseLogQL(requireQuery(params));
  const endNs = parseLokiTime('end', params.get('end'), nowNs);
  const startNs = parseLokiTime('start', params.get('start'), endNs - HOUR_NS);
  if (endNs < startNs) throw badData('end timestamp must not be before or equal to start time');
  const limit = parseLimit(params.get('limit'));
  const direction = parseDirection(params.get('direction'));
  if (parsed.kind === 'log') {
    const needsMore = parsed.expr.stages.some((s) => s.kind !== 'line') || parsed.expr.selector.some((m) => m.name !== 'service_name' || (m.op !== '=' && m.op !== '!='));
    const lines = await fetchLogLines(parsed.expr, startNs, endNs, { max: needsMore ? Math.max(limit * 20, 5000) : limit, direction, refuseOverflow: false });
    return success({ resultType: 'streams', result: evaluateLogs(parsed.expr, lines, limit, direction), stats: STATS });
  }
  const stepNs = parseStepNs(params.get('step'), startNs, endNs);
  const { log, rangeMs } = logExprOf(parsed.expr);
  const lines = await metricLines(log, startNs - BigInt(rangeMs) * 1_000_000n, endNs, metricBucketNs(stepNs, rangeMs));
  return success({ resultType: 'matrix', result: evaluateMetric(parsed.expr, lines, startNs, endNs, stepNs), stats: STATS });
}

export async function instantQuery(params: URLSearchParams, nowNs: bigint): Promise<Response> {
  const parsed = parseLogQL(requireQuery(params));
  const timeNs = parseLokiTime('time', params.get('time'), nowNs);
  if (parsed.kind === 'log') {
    throw badData('log queries are not supported as an instant query type, please change your query to a range query type');
  }
  const { log, rangeMs } = logExprOf(parsed.expr);
  // One step: the whole range is one bucket.
  const lines = await metricLines(log, timeNs - BigInt(rangeMs) * 1_000_000n, timeNs, BigInt(rangeMs) * 1_000_000n);
  const vector = evaluateMetric(parsed.expr, lines, timeNs, timeNs, 1n).map((s) => ({ metric: s.metric, value: s.values[0]! }));
  return success({ resultType: 'vector', result: vector, stats: STATS });
}

function rangeOf(params: URLSearchParams, nowNs: bigint): { startNs: bigint; endNs: bigint } {
  const endNs = parseLokiTime('end', params.get('end'), nowNs);
  const startNs = parseLokiTime('start', params.get('start'), endNs - 6n * HOUR_NS);
  return { startNs, endNs };
}

export async function labels(params: URLSearchParams, nowNs: bigint): Promise<Response> {
  const { startNs, endNs } = rangeOf(params, nowNs);
  return success(await labelNames(startNs, endNs));
}

export async function labelValuesOf(name: string, params: URLSearchParams, nowNs: bigint): Promise<Response> {
  const { startNs, endNs } = rangeOf(params, nowNs);
  return success(await labelValues(name, startNs, endNs));
}

export async function seriesOf(params: URLSearchParams, nowNs: bigint): Promise<Response> {
  const { startNs, endNs } = rangeOf(params, nowNs);
  const selectors: LogExpr[] = [];
  for (const match of [...params.getAll('match[]'), ...params.getAll('match')]) {
    const parsed = parseLogQL(match);
    if (parsed.kind !== 'log') throw badData(`match[] must be a stream selector, got ${JSON.stringify(match.slice(0, 40))}`);
    selectors.push(parsed.expr);
  }
  return success(await series(selectors, startNs, endNs));
}

/** Wraps a Loki handler: query problems → 400 text; the database unreachable → 503; else 500. */
export function lokiRoute<Ctx>(handler: (request: Request, context: Ctx, nowNs: bigint) => Promise<Response>) {
  return async (request: Request, context: Ctx): Promise<Response> => {
    try {
      return await handler(request, context, BigInt(Date.now()) * 1_000_000n);
    } catch (error) {
      const text = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      if (error instanceof LogQLError) return text(400, error.message);
      if (error instanceof ApiError) return text(error.status, error.message);
      if (isDatabaseUnavailable(error)) return text(503, 'database unavailable, retry later');
      console.error('loki api', error);
      return text(500, 'internal error');
    }
  };
}

/** GET or POST (Grafana may POST a form): the parameters either way. */
export async function lokiParams(request: Request): Promise<URLSearchParams> {
  const params = new URL(request.url).searchParams;
  if (request.method === 'POST' && (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(await request.text())) params.append(key, value);
  }
  return params;
}
