// Query parameters of Meshlight's Jaeger-compatible HTTP API, validated with zod and turned into
// domain queries. Formats follow the Jaeger query service (cmd/query/app/query_parser.go):
//   start, end      Unix microseconds                     e.g. 1732150000000000
//   lookback        window before `end` (Jaeger UI)       e.g. 1h, 2d, custom
//   min/maxDuration Go durations                          e.g. 1.2s, 100ms, 500us
//   tags            JSON object, as the Jaeger UI sends   e.g. {"http.status_code":"500"}
//   tag             repeated key:value, as the API allows e.g. tag=error:true
//   limit           number of traces
// Errors name the offending parameter the way Jaeger does ("unable to parse param 'x': ...").
import { z } from 'zod';
import { spanKindFromName, type Nanos, type SpanKind } from '../domain/model';
import type { TraceQuery } from '../domain/trace-query';
import { badRequest } from './api-error';

export const NANOS_PER_MICRO = 1000n;
const NANOS_PER_SECOND = 1_000_000_000n;

/** Jaeger's default search window when neither `start` nor `lookback` is given. */
export const DEFAULT_API_LOOKBACK_NS = 2n * 24n * 3600n * NANOS_PER_SECOND;
/** Jaeger's default number of traces. */
export const DEFAULT_API_LIMIT = 100;
/** Jaeger UI's largest "Limit Results". */
export const MAX_LIMIT = 1500;
/** The longest window one search may scan (as the service graph's MAX_WINDOW_MS): a clear 400, not a scan of every partition. */
export const MAX_SEARCH_WINDOW_NS = 31n * 86_400n * NANOS_PER_SECOND;
/** Times and durations are stored as int64 nanoseconds (Unix ns up to the year 2262). */
export const MAX_NANOS = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------------------------
// Scalar formats

const GO_DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND,
};

/** Go's time.ParseDuration ("1h30m", "1.5s", "100ms", "-2us", "0"), in nanoseconds. */
export function parseGoDuration(text: string): Nanos {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();
  let total = 0n;
  const component = /^(\d*)(?:\.(\d*))?([^\d.]*)/;
  while (rest !== '') {
    const match = component.exec(rest);
    const [whole, intPart = '', fracPart, unitText = ''] = match ?? [];
    if (!whole || (intPart === '' && (fracPart ?? '') === '')) throw invalid();
    if (unitText === '') throw new Error(`time: missing unit in duration "${text}"`);
    const unitMatch = /^(ns|us|µs|μs|ms|s|m|h)/.exec(unitText);
    const unit = unitMatch ? GO_DURATION_UNITS[unitMatch[1]!]! : undefined;
    if (unit === undefined || unitMatch![1]!.length !== unitText.length) {
      throw new Error(`time: unknown unit "${unitText}" in duration "${text}"`);
    }
    let value = BigInt(intPart || '0') * unit;
    if (fracPart) value += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += value;
    rest = rest.slice(whole.length);
  }
  return negative ? -total : total;
}

const LOOKBACK_UNITS: Record<string, bigint> = {
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND,
  d: 86_400n * NANOS_PER_SECOND,
  w: 7n * 86_400n * NANOS_PER_SECOND,
};

/** Jaeger UI's lookback ("5m", "1h", "2d", "7d", …) in nanoseconds; undefined for "custom". */
export function parseLookback(text: string): Nanos | undefined {
  if (text === 'custom') return undefined;
  const match = /^(\d+)([smhdw])$/.exec(text);
  if (match) return BigInt(match[1]!) * LOOKBACK_UNITS[match[2]!]!;
  const ns = parseGoDuration(text);
  if (ns <= 0n) throw new Error('must be positive');
  return ns;
}

/** A trace id as Jaeger accepts it: 1–32 hex digits, left-padded with zeros to 128 bits. */
export function normalizeTraceId(text: string): string | undefined {
  return /^[0-9a-fA-F]{1,32}$/.test(text) ? text.toLowerCase().padStart(32, '0') : undefined;
}

export function parseTraceIdParam(text: string): string {
  const id = normalizeTraceId(text);
  if (!id) throw badRequest(`invalid trace id '${text}': expected 1 to 32 hexadecimal characters`);
  return id;
}

/**
 * Tags typed as text, logfmt style, as the Jaeger UI's "Tags" field takes them:
 * `http.status_code=500 error=true http.route="/api/cart items"`.
 */
export function parseLogfmtTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const pair = /\s*([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))\s*/y;
  let index = 0;
  const input = text.trim();
  while (index < input.length) {
    pair.lastIndex = index;
    const match = pair.exec(input);
    if (!match) {
      throw new Error(`expected key=value pairs separated by spaces, got "${input.slice(index)}"`);
    }
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    tags[match[1]!] = value;
    index = pair.lastIndex;
  }
  return tags;
}

/** The inverse of parseLogfmtTags, for putting a search back into its form field. */
export function formatLogfmtTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => (/^[^\s"]*$/.test(value) ? `${key}=${value}` : `${key}="${value.replace(/["\\]/g, '\\$&')}"`))
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// zod schemas for the parameters

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

const microsParam = z.string().transform((text, ctx): Nanos => {
  if (!/^[+-]?\d{1,19}$/.test(text)) return fail(ctx, `strconv.ParseInt: parsing "${text}": invalid syntax`);
  const ns = BigInt(text) * NANOS_PER_MICRO;
  if (ns < 0n || ns > MAX_NANOS) return fail(ctx, `out of range: Unix microseconds between 0 and ${MAX_NANOS / NANOS_PER_MICRO}, got ${text}`);
  return ns;
});

const durationParam = z.string().transform((text, ctx): Nanos => {
  try {
    const ns = parseGoDuration(text);
    if (ns < 0n) return fail(ctx, `negative duration "${text}"`);
    if (ns > MAX_NANOS) return fail(ctx, `duration "${text}" is out of range`);
    return ns;
  } catch (error) {
    return fail(ctx, (error as Error).message);
  }
});

const lookbackParam = z.string().transform((text, ctx): Nanos | undefined => {
  try {
    return parseLookback(text);
  } catch {
    return fail(ctx, `expected a window such as 1h, 2d or 7d, or 'custom', got "${text}"`);
  }
});

const limitParam = z.string().transform((text, ctx): number => {
  if (!/^\d+$/.test(text)) return fail(ctx, `strconv.ParseInt: parsing "${text}": invalid syntax`);
  const limit = Number(text);
  if (limit < 1 || limit > MAX_LIMIT) return fail(ctx, `must be between 1 and ${MAX_LIMIT}, got ${text}`);
  return limit;
});

const tagPairParam = z.string().transform((text, ctx): [string, string] => {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail(ctx, `malformed 'tag' parameter, expecting key:value, received: ${text}`);
  return [text.slice(0, colon), text.slice(colon + 1)];
});

const tagsJsonParam = z.string().transform((text, ctx): Record<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(ctx, `malformed 'tags' parameter, cannot unmarshal JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(ctx, `malformed 'tags' parameter, expecting a JSON object such as {"error":"true"}`);
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') tags[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') tags[key] = String(value);
    else return fail(ctx, `malformed 'tags' parameter, value of '${key}' must be a string`);
  }
  return tags;
});

const traceIdListParam = z.string().transform((text, ctx): string => {
  return normalizeTraceId(text) ?? fail(ctx, `cannot parse traceID param: expected 1 to 32 hex characters, got "${text}"`);
});

const spanKindParam = z.string().transform((text, ctx): SpanKind => {
  const kind = spanKindFromName(text);
  if (kind === undefined || kind === 0) {
    return fail(ctx, `unsupported span kind '${text}', expected server, client, producer, consumer or internal`);
  }
  return kind;
});

const searchParamsSchema = z.object({
  service: z.string().optional(),
  operation: z.string().optional(),
  start: microsParam.optional(),
  end: microsParam.optional(),
  lookback: lookbackParam.optional(),
  limit: limitParam.optional(),
  minDuration: durationParam.optional(),
  maxDuration: durationParam.optional(),
  tag: z.array(tagPairParam),
  tags: z.array(tagsJsonParam),
  traceID: z.array(traceIdListParam),
});

const REPEATABLE = new Set(['tag', 'tags', 'traceID']);

/**
 * URLSearchParams → plain object for zod: repeatable parameters as arrays, others as their first
 * value; empty values count as absent, as Go's FormValue("") does in Jaeger.
 */
export function paramsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = { tag: [], tags: [], traceID: [] };
  for (const [key, value] of params) {
    if (value === '') continue;
    if (REPEATABLE.has(key)) (object[key] as string[]).push(value);
    else if (!(key in object)) object[key] = value;
  }
  return object;
}

function formatIssues(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const param = issue.path[0];
  if (param === 'tag' || param === 'tags') return issue.message;
  if (param === 'traceID') return issue.message;
  return param === undefined ? issue.message : `unable to parse param '${String(param)}': ${issue.message}`;
}

function parseWith<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const result = schema.safeParse(paramsToObject(params));
  if (!result.success) throw badRequest(formatIssues(result.error));
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Parsed requests

export interface TraceSearchOptions {
  /** Unix microseconds "now", injected so parsing stays deterministic. */
  nowUs: number;
  /** Jaeger requires `service` unless trace ids are given; the Meshlight UI searches without. */
  requireService?: boolean;
  defaultLimit?: number;
  defaultLookbackNs?: Nanos;
}

export interface TraceSearch {
  query: TraceQuery;
  /** `traceID=` parameters: when present, those traces are returned instead of a search. */
  traceIds: string[];
  /** The lookback the request named ('custom' when start/end were given explicitly). */
  lookback: string | undefined;
}

export function parseTraceSearch(params: URLSearchParams, options: TraceSearchOptions): TraceSearch {
  const parsed = parseWith(searchParamsSchema, params);
  const requireService = options.requireService ?? true;
  if (requireService && !parsed.service && parsed.traceID.length === 0) {
    throw badRequest("parameter 'service' is required");
  }
  if (parsed.minDuration !== undefined && parsed.maxDuration !== undefined && parsed.maxDuration < parsed.minDuration) {
    throw badRequest("'maxDuration' should be greater than 'minDuration'");
  }
  const nowNs = BigInt(Math.trunc(options.nowUs)) * NANOS_PER_MICRO;
  const endNs = parsed.end ?? nowNs;
  const lookbackNs = parsed.lookback ?? options.defaultLookbackNs ?? DEFAULT_API_LOOKBACK_NS;
  const startNs = parsed.start ?? (parsed.lookback !== undefined ? endNs : nowNs) - lookbackNs;
  if (startNs > endNs) throw badRequest("unable to parse param 'start': 'start' is after 'end'");
  if (endNs - startNs > MAX_SEARCH_WINDOW_NS) {
    const param = parsed.start !== undefined ? 'start' : 'lookback';
    throw badRequest(`unable to parse param '${param}': the window is too long: at most ${MAX_SEARCH_WINDOW_NS / (86_400n * NANOS_PER_SECOND)} days`);
  }

  const tags: Record<string, string> = {};
  for (const [key, value] of parsed.tag) tags[key] = value;
  for (const object of parsed.tags) Object.assign(tags, object);

  const query: TraceQuery = {
    tags,
    startNs,
    endNs,
    limit: parsed.limit ?? options.defaultLimit ?? DEFAULT_API_LIMIT,
  };
  if (parsed.service) query.service = parsed.service;
  if (parsed.operation) query.operation = parsed.operation;
  if (parsed.minDuration) query.minDurationNs = parsed.minDuration;
  if (parsed.maxDuration) query.maxDurationNs = parsed.maxDuration;
  const rawLookback = params.get('lookback') || undefined;
  return { query, traceIds: parsed.traceID, lookback: rawLookback };
}

// Unknown parameters are ignored (zod strips them), as Jaeger ignores them.
const operationsParamsSchema = z.object({
  service: z.string().optional(),
  spanKind: spanKindParam.optional(),
});

export interface OperationsRequest {
  service: string;
  spanKind?: SpanKind;
}

/** /api/operations?service=&spanKind= */
export function parseOperationsRequest(params: URLSearchParams): OperationsRequest {
  const parsed = parseWith(operationsParamsSchema, params);
  if (!parsed.service) throw badRequest("parameter 'service' is required");
  const request: OperationsRequest = { service: parsed.service };
  if (parsed.spanKind !== undefined) request.spanKind = parsed.spanKind;
  return request;
}

const traceLookupSchema = z.object({
  start: microsParam.optional(),
  end: microsParam.optional(),
});

export interface TraceLookup {
  traceId: string;
  /** Optional window (Jaeger's start/end on GET /api/traces/{id}) that narrows the partitions read. */
  startNs?: Nanos;
  endNs?: Nanos;
}

/** /api/traces/{traceId}?start=&end= */
export function parseTraceLookup(traceIdText: string, params: URLSearchParams): TraceLookup {
  const traceId = parseTraceIdParam(traceIdText);
  const parsed = parseWith(traceLookupSchema, params);
  if (parsed.start !== undefined && parsed.end !== undefined && parsed.start > parsed.end) {
    throw badRequest("unable to parse param 'start': 'start' is after 'end'");
  }
  const lookup: TraceLookup = { traceId };
  if (parsed.start !== undefined) lookup.startNs = parsed.start;
  if (parsed.end !== undefined) lookup.endNs = parsed.end;
  return lookup;
}
