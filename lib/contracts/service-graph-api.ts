// Query parameters and response shapes of the service graph API, shared by the route handlers and
// the UI's hooks:
//
//   GET /api/dependencies?endTs=&lookback=          Jaeger: endTs and lookback in milliseconds
//   GET /api/service-graph?start=&end=&lookback=&environment=&degraded=&failing=
//   GET /api/service-graph/edge?source=&target=&type=&start=&end=&environment=
//   GET /api/service-graph/trace-path?traceId=
//   GET /api/services/{service}/red?start=&end=&lookback=&environment=&step=
//
// Meshlight's own endpoints take `start`/`end` as Unix milliseconds (what browsers have) or
// `lookback` before `end` (`15m`, `1h`, `2d`, Go durations); `end` defaults to now.
import { z } from 'zod';
import type { Red, ServiceGraph } from '../domain/service-graph/graph';
import { CONNECTION_TYPES, parseNodeId, type ConnectionType } from '../domain/service-graph/types';
import { badRequest } from './api-error';
import { normalizeTraceId, parseLookback } from './jaeger-query';

const NANOS_PER_MILLI = 1_000_000n;
export const DEFAULT_GRAPH_LOOKBACK_MS = 15 * 60_000;
/** Jaeger's default for /api/dependencies (defaultDependencyLookbackDuration). */
export const DEFAULT_DEPENDENCIES_LOOKBACK_MS = 24 * 3600_000;
/** The longest window one request may ask for (rollups are kept as long as spans: days). */
export const MAX_WINDOW_MS = 31 * 24 * 3600_000;

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

/** Unix ms up to the year 2262: what int64 nanoseconds hold. */
export const MAX_TIME_MS = 9_223_372_036_854;

const millisParam = z.string().transform((text, ctx): number => {
  if (!/^\d{1,16}$/.test(text)) return fail(ctx, `expected Unix milliseconds, got "${text}"`);
  const ms = Number(text);
  if (ms > MAX_TIME_MS) return fail(ctx, `out of range: Unix milliseconds up to ${MAX_TIME_MS}, got ${text}`);
  return ms;
});

const lookbackParam = z.string().transform((text, ctx): number => {
  try {
    const ns = parseLookback(text);
    if (ns === undefined) return fail(ctx, 'custom lookback needs start and end');
    return Number(ns / NANOS_PER_MILLI);
  } catch {
    // Jaeger's /api/dependencies sends plain milliseconds.
    if (/^\d{1,13}$/.test(text)) return Number(text);
    return fail(ctx, `expected a window such as 15m, 1h or 2d, got "${text}"`);
  }
});

const rateParam = z.coerce.number().min(0).max(1);

function parseParams<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const object: Record<string, string> = {};
  for (const [key, value] of params) if (value !== '' && !(key in object)) object[key] = value;
  const result = schema.safeParse(object);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = issue.path[0];
    throw badRequest(param === undefined ? issue.message : `unable to parse param '${String(param)}': ${issue.message}`);
  }
  return result.data;
}

export interface TimeWindow {
  startMs: number;
  endMs: number;
}

function windowOf(p: { start?: number; end?: number; lookback?: number }, nowMs: number, defaultLookbackMs: number): TimeWindow {
  const endMs = p.end ?? nowMs;
  const startMs = p.start ?? endMs - (p.lookback ?? defaultLookbackMs);
  if (startMs >= endMs) throw badRequest('the window is empty: start must be before end');
  if (endMs - startMs > MAX_WINDOW_MS) throw badRequest('the window is too long: at most 31 days');
  return { startMs, endMs };
}

const windowSchema = {
  start: millisParam.optional(),
  end: millisParam.optional(),
  lookback: lookbackParam.optional(),
  environment: z.string().max(200).optional(),
};

// ---------------------------------------------------------------------------------------------
// GET /api/dependencies

export function parseDependenciesRequest(params: URLSearchParams, nowMs: number): TimeWindow {
  const p = parseParams(z.object({ endTs: millisParam.optional(), lookback: lookbackParam.optional() }), params);
  return windowOf({ end: p.endTs, lookback: p.lookback }, nowMs, DEFAULT_DEPENDENCIES_LOOKBACK_MS);
}

/** One Jaeger dependency link (model.DependencyLink). */
export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

// ---------------------------------------------------------------------------------------------
// GET /api/service-graph

export interface ServiceGraphRequest extends TimeWindow {
  /** Only this environment; null for all. */
  environment: string | null;
  thresholds: { degraded: number; failing: number };
}

export function parseServiceGraphRequest(params: URLSearchParams, nowMs: number): ServiceGraphRequest {
  const p = parseParams(
    z.object({ ...windowSchema, degraded: rateParam.default(0.01), failing: rateParam.default(0.05) }),
    params,
  );
  if (p.degraded > p.failing) throw badRequest("unable to parse param 'degraded': must not exceed 'failing'");
  return {
    ...windowOf(p, nowMs, DEFAULT_GRAPH_LOOKBACK_MS),
    environment: p.environment ?? null,
    thresholds: { degraded: p.degraded, failing: p.failing },
  };
}

export interface ServiceGraphResponse extends ServiceGraph {
  /** Environments with data in the window, for the filter. */
  environments: string[];
  environment: string | null;
}

// ---------------------------------------------------------------------------------------------
// GET /api/service-graph/edge

export interface EdgeRequest extends TimeWindow {
  source: string;
  target: string;
  connectionType: ConnectionType;
  environment: string | null;
}

const nodeIdParam = z.string().refine((id) => parseNodeId(id) !== undefined, 'expected a node id such as service:checkout');

export function parseEdgeRequest(params: URLSearchParams, nowMs: number): EdgeRequest {
  const p = parseParams(
    z.object({ ...windowSchema, source: nodeIdParam, target: nodeIdParam, type: z.enum(CONNECTION_TYPES as [ConnectionType, ...ConnectionType[]]) }),
    params,
  );
  return { ...windowOf(p, nowMs, DEFAULT_GRAPH_LOOKBACK_MS), source: p.source, target: p.target, connectionType: p.type, environment: p.environment ?? null };
}

/** One point of a RED time series (rate: calls per second over the point's step). */
export interface RedPoint extends Omit<Red, 'health'> {
  timeMs: number;
}

export type RedSummary = Omit<RedPoint, 'timeMs'>;

export interface Exemplar {
  traceId: string;
  timeMs: number;
  /** The call's latency (slow exemplars). */
  latencyMs?: number;
}

export interface EdgeDetailResponse extends TimeWindow {
  source: string;
  target: string;
  connectionType: ConnectionType;
  stepMs: number;
  summary: RedSummary;
  series: RedPoint[];
  slowTraces: Exemplar[];
  errorTraces: Exemplar[];
}

// ---------------------------------------------------------------------------------------------
// GET /api/service-graph/trace-path

export function parseTracePathRequest(params: URLSearchParams): string {
  const text = params.get('traceId') ?? params.get('traceID') ?? '';
  const id = normalizeTraceId(text);
  if (!id) throw badRequest(`unable to parse param 'traceId': expected 1 to 32 hexadecimal characters, got "${text}"`);
  return id;
}

export interface TracePathResponse {
  traceId: string;
  /** Node ids the trace touched. */
  nodes: string[];
  /** Edge ids (source->target#type) the trace travelled. */
  edges: string[];
}

// ---------------------------------------------------------------------------------------------
// GET /api/services/{service}/red

export interface ServiceRedRequest extends TimeWindow {
  service: string;
  environment: string | null;
  /** Series resolution; a whole number of minutes. */
  stepMs: number;
}

/** About 60 points per chart, never finer than the rollups' minute. */
export function autoStepMs(windowMs: number): number {
  return Math.max(60_000, Math.ceil(windowMs / 60 / 60_000) * 60_000);
}

export function parseServiceRedRequest(service: string, params: URLSearchParams, nowMs: number): ServiceRedRequest {
  const p = parseParams(z.object({ ...windowSchema, step: lookbackParam.optional() }), params);
  const window = windowOf(p, nowMs, 3600_000);
  const stepMs = p.step !== undefined ? Math.max(60_000, Math.round(p.step / 60_000) * 60_000) : autoStepMs(window.endMs - window.startMs);
  if ((window.endMs - window.startMs) / stepMs > 2000) throw badRequest("unable to parse param 'step': too many points for the window");
  return { ...window, service, environment: p.environment ?? null, stepMs };
}

export interface OperationRed extends RedSummary {
  operation: string;
  spanKind: number;
  series: RedPoint[];
  slowTraceId: string | null;
  errorTraceId: string | null;
}

export interface ServiceRedResponse extends TimeWindow {
  service: string;
  environment: string | null;
  stepMs: number;
  summary: RedSummary;
  series: RedPoint[];
  /** Busiest first. */
  operations: OperationRed[];
}
