// Query parameters of Jaeger's SPM (Monitor tab) API, `GET /api/metrics/{latencies,calls,errors,minstep}`,
// validated with zod. Formats and defaults follow Jaeger's query service
// (cmd/query/app/query_parser.go parseMetricsQueryParams, default_params.go):
//   service           repeated, at least one                    service=orders&service=payments
//   groupByOperation  Go bool, default false                     true, 1, t, TRUE, …
//   spanKind          repeated OTel span kind enum name          SPAN_KIND_SERVER (the default), or server, client, …
//   endTs             Unix milliseconds, default now
//   lookback, step, ratePer   integer milliseconds, default 1 h, 5 s, 10 min
//   quantile          float in (0, 1], latencies only            0.95
// Errors read as Jaeger's: "unable to parse param 'x': …".
import { z } from 'zod';
import { badRequest } from './api-error';

export type MetricName = 'latencies' | 'calls' | 'errors';

export interface MetricsQuery {
  services: string[];
  groupByOperation: boolean;
  /** OTLP span kind numbers (SERVER = 2, …). */
  spanKinds: number[];
  endMs: number;
  lookbackMs: number;
  stepMs: number;
  ratePerMs: number;
}

export interface LatenciesQuery extends MetricsQuery {
  quantile: number;
}

/** metrics.SpanKind in Jaeger's api_v2 (the OTel proto's enum names), to OTLP numbers. */
const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

export const DEFAULT_METRICS_LOOKBACK_MS = 3_600_000;
export const DEFAULT_METRICS_STEP_MS = 5_000;
export const DEFAULT_METRICS_RATE_PER_MS = 600_000;
/** The rollups' resolution: no series is finer than a minute. */
export const METRICS_MIN_STEP_MS = 60_000;
/** Points per series at most, so a tiny step over a long lookback cannot ask for millions. */
export const MAX_METRIC_POINTS = 11_000;

const fail = (ctx: z.RefinementCtx, message: string): never => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
};

/** Go's strconv.ParseBool. */
const goBool = z.string().transform((text, ctx): boolean => {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return fail(ctx, `strconv.ParseBool: parsing "${text}": invalid syntax`);
});

const millis = (positive: boolean) =>
  z.string().transform((text, ctx): number => {
    if (!/^[+-]?\d{1,16}$/.test(text)) return fail(ctx, `strconv.ParseInt: parsing "${text}": invalid syntax`);
    const value = Number(text);
    if (positive && value <= 0) return fail(ctx, `must be a positive number of milliseconds, got ${text}`);
    return value;
  });

/** The enum name, as the API documents it, or the short lower-case name Jaeger UI's Monitor tab sends. */
const spanKind = z
  .string()
  .transform((text, ctx): number => SPAN_KINDS[text] ?? SPAN_KINDS[`SPAN_KIND_${text.toUpperCase()}`] ?? fail(ctx, `unsupported span kind: '${text}'`));

const quantile = z.string().transform((text, ctx): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) return fail(ctx, `strconv.ParseFloat: parsing "${text}": invalid syntax`);
  if (value <= 0 || value > 1) return fail(ctx, `must be in (0, 1], got ${text}`);
  return value;
});

const schema = z.object({
  service: z.array(z.string().min(1)).min(1, 'please provide at least one service name'),
  groupByOperation: goBool.optional(),
  spanKind: z.array(spanKind),
  endTs: millis(false).optional(),
  lookback: millis(true).optional(),
  step: millis(true).optional(),
  ratePer: millis(true).optional(),
  quantile: quantile.optional(),
});

function toObject(params: URLSearchParams): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = { service: [], spanKind: [] };
  for (const [key, value] of params) {
    if (key === 'service' || key === 'spanKind') {
      if (value !== '') (object[key] as string[]).push(value);
    } else if (value !== '' && !(key in object)) object[key] = value;
  }
  return object;
}

function parse(params: URLSearchParams, nowMs: number) {
  const result = schema.safeParse(toObject(params));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badRequest(`unable to parse param '${String(issue.path[0] ?? 'query')}': ${issue.message}`);
  }
  return { parsed: result.data, nowMs };
}

export function parseMetricsQuery(params: URLSearchParams, nowMs: number): MetricsQuery {
  const { parsed } = parse(params, nowMs);
  const lookbackMs = parsed.lookback ?? DEFAULT_METRICS_LOOKBACK_MS;
  // Finer than the rollups' minute would only repeat values; coarser is honoured.
  let stepMs = Math.max(parsed.step ?? DEFAULT_METRICS_STEP_MS, METRICS_MIN_STEP_MS);
  if (lookbackMs / stepMs > MAX_METRIC_POINTS) stepMs = Math.ceil(lookbackMs / MAX_METRIC_POINTS / METRICS_MIN_STEP_MS) * METRICS_MIN_STEP_MS;
  return {
    services: [...new Set(parsed.service)],
    groupByOperation: parsed.groupByOperation ?? false,
    spanKinds: parsed.spanKind.length > 0 ? [...new Set(parsed.spanKind)] : [SPAN_KINDS.SPAN_KIND_SERVER!],
    endMs: parsed.endTs ?? nowMs,
    lookbackMs,
    stepMs,
    ratePerMs: Math.max(parsed.ratePer ?? DEFAULT_METRICS_RATE_PER_MS, METRICS_MIN_STEP_MS),
  };
}

export function parseLatenciesQuery(params: URLSearchParams, nowMs: number): LatenciesQuery {
  const { parsed } = parse(params, nowMs);
  if (parsed.quantile === undefined) throw badRequest(`unable to parse param 'quantile': strconv.ParseFloat: parsing "": invalid syntax`);
  return { ...parseMetricsQuery(params, nowMs), quantile: parsed.quantile };
}
