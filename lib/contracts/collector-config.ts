// The collector's configuration, read from environment variables and validated at start-up so a
// typo fails loudly instead of silently falling back. README's configuration table mirrors this.
import { readLogsConfig, type LogsConfig } from './logs-config';
import { parseUiSecurity, type UiSecurity } from './ui-security-env';
import type { ServerLimits } from '../http/server-limits';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((value) => value === 'on' || value === 'true' || value === '1');

/** The receivers' slow-client bounds when not configured (see ReceiverLimits). */
export const RECEIVER_DEFAULTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 65_000, maxConnections: 1024 } as const;

export const collectorEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MESHLIGHT_DATA_DIR: z.string().default('./data'),
  MESHLIGHT_BIND_HOST: z.string().default('127.0.0.1'),
  MESHLIGHT_OTLP_HTTP_PORT: port.default(4318),
  MESHLIGHT_OTLP_GRPC_PORT: port.default(4317),
  /** Zipkin intake (POST /api/v2/spans), Zipkin's own port by default. */
  MESHLIGHT_ZIPKIN_PORT: port.default(9411),
  /** Port of the embedded database's PostgreSQL wire endpoint (0 = any free port). */
  MESHLIGHT_EMBEDDED_DB_PORT: port.default(0),
  MESHLIGHT_RETENTION_DAYS: positiveInt.default(7),
  MESHLIGHT_MAX_BODY_BYTES: positiveInt.default(20 * 1024 * 1024),
  MESHLIGHT_QUEUE_MAX_SPANS: positiveInt.default(200_000),
  MESHLIGHT_QUEUE_MAX_BYTES: positiveInt.default(256 * 1024 * 1024),
  MESHLIGHT_BATCH_SPANS: positiveInt.default(8192),
  MESHLIGHT_BATCH_LINGER_MS: z.coerce.number().int().min(0).default(50),
  MESHLIGHT_WRITERS: positiveInt.default(2),
  /** Comma-separated origins allowed to send to the receivers from a browser; `*` for any; default none. */
  MESHLIGHT_CORS_ORIGINS: z.string().default(''),
  /** Comma-separated bearer tokens (≥ 16 characters) every ingest request must carry; unset = none needed. */
  MESHLIGHT_INGEST_TOKENS: z.string().default(''),
  /** A file of ingest tokens, one a line, re-read when it changes (rotation without a restart). */
  MESHLIGHT_INGEST_TOKENS_FILE: z.string().optional(),
  /** Receivers (HTTP ports): a request's headers must arrive within this. */
  MESHLIGHT_RECEIVER_HEADERS_TIMEOUT_MS: positiveInt.default(RECEIVER_DEFAULTS.headersTimeoutMs),
  /** Receivers: a whole request (headers and body) must arrive within this. */
  MESHLIGHT_RECEIVER_REQUEST_TIMEOUT_MS: positiveInt.default(RECEIVER_DEFAULTS.requestTimeoutMs),
  /** Receivers: an idle keep-alive connection (HTTP) or one without calls (gRPC) is closed after this. */
  MESHLIGHT_RECEIVER_IDLE_TIMEOUT_MS: positiveInt.default(RECEIVER_DEFAULTS.idleTimeoutMs),
  /** Receivers: most open connections per port; more are refused at once. */
  MESHLIGHT_RECEIVER_MAX_CONNECTIONS: positiveInt.default(RECEIVER_DEFAULTS.maxConnections),
  /** Extra origins (exact, e.g. `https://meshlight.example.com`) whose pages may open /live. */
  MESHLIGHT_LIVE_ORIGINS: z.string().default(''),
  /** PEM certificate (chain) and private key: the receivers (4318 with /live, 9411, 4317) speak TLS. */
  MESHLIGHT_TLS_CERT_FILE: z.string().optional(),
  MESHLIGHT_TLS_KEY_FILE: z.string().optional(),
  /** Fraction of Meshlight's own ingest and query work it traces (service `meshlight`). */
  MESHLIGHT_SELF_TRACE_RATIO: z.coerce.number().min(0).max(1).default(0.01),
  MESHLIGHT_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  /** A write-ahead log per signal under <data dir>/wal: a 2xx means on disk. `off` = in memory only. */
  MESHLIGHT_WAL: onOff.default(true),
  /** `batch`: fsync before answering, shared by concurrent requests; `off`: no fsync (benchmarks). */
  MESHLIGHT_WAL_FSYNC: z.enum(['batch', 'off']).default('batch'),
  /** Most bytes of each signal's log not yet in the database; past it receivers answer 503. */
  MESHLIGHT_WAL_MAX_BYTES: positiveInt.default(1024 * 1024 * 1024),
  MESHLIGHT_WAL_SEGMENT_BYTES: positiveInt.default(32 * 1024 * 1024),
  /** Derive the service graph at ingest (edges, RED rollups); `off` to skip it entirely. */
  MESHLIGHT_SERVICE_GRAPH: onOff.default(true),
  /** How long half an edge (a CLIENT or PRODUCER span, or its partner) waits for the other half. */
  MESHLIGHT_SERVICE_GRAPH_WAIT_MS: positiveInt.default(10_000),
  /**
   * How long a messaging half (a PRODUCER span, or its CONSUMER) waits for the other: as long as a
   * message may sit in a queue, since that wait is the time in queue /api/lag reads from traces.
   */
  MESHLIGHT_SERVICE_GRAPH_MESSAGING_WAIT_MS: positiveInt.default(600_000),
  /** Most edge halves waiting at once; past it the oldest are evicted (counted on /metrics). */
  MESHLIGHT_SERVICE_GRAPH_MAX_PENDING: z.coerce.number().int().min(0).default(100_000),
  /** How often the per-minute rollups are upserted into PostgreSQL. */
  MESHLIGHT_SERVICE_GRAPH_FLUSH_MS: positiveInt.default(2_000),
  /**
   * Pair request halves that expired unpaired here through PostgreSQL, for several collector
   * replicas behind a load balancer that does not route by trace id (docs/scaling.md).
   */
  MESHLIGHT_SERVICE_GRAPH_SHARED_PAIRING: onOff.default(false),
  /** Serve live updates over WebSocket at ws://<OTLP/HTTP host:port>/live. */
  MESHLIGHT_LIVE: onOff.default(true),
  /** Days of metric samples kept (whole daily partitions of metric_chunks are dropped). */
  MESHLIGHT_METRICS_RETENTION_DAYS: positiveInt.default(15),
  /** New series of one metric past this many are refused and counted. */
  MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC: positiveInt.default(10_000),
  /** How often the metrics head is written to PostgreSQL (queries lag by up to this much). */
  MESHLIGHT_METRICS_FLUSH_MS: positiveInt.default(10_000),
  /** A Prometheus-style YAML file of scrape_configs; unset = only the collector's own /metrics. */
  MESHLIGHT_SCRAPE_CONFIG: z.string().optional(),
  /** Scrape the collector's own /metrics as job `meshlight`. */
  MESHLIGHT_SCRAPE_SELF: onOff.default(true),
  /** How often scrape targets are re-read (configuration file_sd files and /api/scrape-targets rows). */
  MESHLIGHT_SCRAPE_RELOAD_MS: positiveInt.default(10_000),
});

export type CollectorEnv = z.infer<typeof collectorEnvSchema>;

/** TLS on the receivers: PEM files read at start-up. */
export interface ReceiverTlsFiles {
  certFile: string;
  keyFile: string;
}

export interface ServiceGraphConfig {
  enabled: boolean;
  waitMs: number;
  /** How long messaging halves wait (`waitMs` when unset). */
  messagingWaitMs?: number;
  maxPending: number;
  flushIntervalMs: number;
  /** Most distinct rows each rollup holds between flushes. */
  maxRollupRows: number;
  /** Live deltas go out at most this often. */
  liveIntervalMs: number;
  liveEnabled: boolean;
  /** Pair expired request halves across collector replicas through PostgreSQL. */
  sharedPairing?: boolean;
}

export interface MetricsConfig {
  retentionDays: number;
  maxSeriesPerMetric: number;
  flushIntervalMs: number;
  scrapeConfigFile: string | undefined;
  scrapeSelf: boolean;
  scrapeReloadMs: number;
}

/** Slow-client bounds of every receiver port (receivers/connection-limits.ts). */
export type ReceiverLimits = ServerLimits;

/** Who may send and who may watch (receivers/ingest-tokens.ts, live/live-access.ts). */
export interface AccessConfig {
  ingestTokens: string[];
  ingestTokensFile: string | undefined;
  /** The UI's access settings, read from the same environment: /live checks Origin and the session with them. */
  ui: UiSecurity;
  /** Exact origins allowed on /live besides pages of the UI's own host names. */
  liveOrigins: string[];
}

export interface CollectorConfig {
  /** The logs signal's settings (logs-config.ts); defaults when absent. */
  logs?: LogsConfig;
  databaseUrl: string | undefined;
  dataDir: string;
  bindHost: string;
  httpPort: number;
  grpcPort: number;
  zipkinPort: number;
  embeddedDbPort: number;
  retentionDays: number;
  maxBodyBytes: number;
  queue: { maxSpans: number; maxBytes: number };
  batch: { writers: number; batchSpans: number; lingerMs: number };
  corsOrigins: '*' | string[];
  access: AccessConfig;
  receiverLimits: ReceiverLimits;
  /** Undefined: plain TCP. */
  tls?: ReceiverTlsFiles;
  selfTraceRatio: number;
  shutdownTimeoutMs: number;
  wal: { enabled: boolean; fsync: 'batch' | 'off'; maxBytes: number; segmentBytes: number };
  serviceGraph: ServiceGraphConfig;
  metrics: MetricsConfig;
}

export function readCollectorConfig(env: Record<string, string | undefined> = process.env): CollectorConfig {
  const parsed = collectorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (!e.MESHLIGHT_TLS_CERT_FILE !== !e.MESHLIGHT_TLS_KEY_FILE) {
    throw new Error('invalid configuration: MESHLIGHT_TLS_CERT_FILE and MESHLIGHT_TLS_KEY_FILE are set together');
  }
  const origins = e.MESHLIGHT_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    logs: readLogsConfig(env),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MESHLIGHT_DATA_DIR,
    bindHost: e.MESHLIGHT_BIND_HOST,
    httpPort: e.MESHLIGHT_OTLP_HTTP_PORT,
    grpcPort: e.MESHLIGHT_OTLP_GRPC_PORT,
    zipkinPort: e.MESHLIGHT_ZIPKIN_PORT,
    embeddedDbPort: e.MESHLIGHT_EMBEDDED_DB_PORT,
    retentionDays: e.MESHLIGHT_RETENTION_DAYS,
    maxBodyBytes: e.MESHLIGHT_MAX_BODY_BYTES,
    queue: { maxSpans: e.MESHLIGHT_QUEUE_MAX_SPANS, maxBytes: e.MESHLIGHT_QUEUE_MAX_BYTES },
    batch: { writers: e.MESHLIGHT_WRITERS, batchSpans: e.MESHLIGHT_BATCH_SPANS, lingerMs: e.MESHLIGHT_BATCH_LINGER_MS },
    corsOrigins: origins.includes('*') ? '*' : origins,
    access: {
      ingestTokens: parseIngestTokens(e.MESHLIGHT_INGEST_TOKENS, ',', 'MESHLIGHT_INGEST_TOKENS'),
      ingestTokensFile: e.MESHLIGHT_INGEST_TOKENS_FILE || undefined,
      ui: parseUiSecurity(env),
      liveOrigins: e.MESHLIGHT_LIVE_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    },
    ...(e.MESHLIGHT_TLS_CERT_FILE && e.MESHLIGHT_TLS_KEY_FILE ? { tls: { certFile: e.MESHLIGHT_TLS_CERT_FILE, keyFile: e.MESHLIGHT_TLS_KEY_FILE } } : {}),
    receiverLimits: {
      headersTimeoutMs: e.MESHLIGHT_RECEIVER_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: Math.max(e.MESHLIGHT_RECEIVER_REQUEST_TIMEOUT_MS, e.MESHLIGHT_RECEIVER_HEADERS_TIMEOUT_MS),
      idleTimeoutMs: e.MESHLIGHT_RECEIVER_IDLE_TIMEOUT_MS,
      maxConnections: e.MESHLIGHT_RECEIVER_MAX_CONNECTIONS,
    },
    selfTraceRatio: e.MESHLIGHT_SELF_TRACE_RATIO,
    shutdownTimeoutMs: e.MESHLIGHT_SHUTDOWN_TIMEOUT_MS,
    wal: { enabled: e.MESHLIGHT_WAL, fsync: e.MESHLIGHT_WAL_FSYNC, maxBytes: e.MESHLIGHT_WAL_MAX_BYTES, segmentBytes: e.MESHLIGHT_WAL_SEGMENT_BYTES },
    serviceGraph: {
      enabled: e.MESHLIGHT_SERVICE_GRAPH,
      waitMs: e.MESHLIGHT_SERVICE_GRAPH_WAIT_MS,
      messagingWaitMs: e.MESHLIGHT_SERVICE_GRAPH_MESSAGING_WAIT_MS,
      maxPending: e.MESHLIGHT_SERVICE_GRAPH_MAX_PENDING,
      flushIntervalMs: e.MESHLIGHT_SERVICE_GRAPH_FLUSH_MS,
      maxRollupRows: 200_000,
      liveIntervalMs: 1_000,
      liveEnabled: e.MESHLIGHT_LIVE,
      sharedPairing: e.MESHLIGHT_SERVICE_GRAPH_SHARED_PAIRING,
    },
    metrics: {
      retentionDays: e.MESHLIGHT_METRICS_RETENTION_DAYS,
      maxSeriesPerMetric: e.MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC,
      flushIntervalMs: e.MESHLIGHT_METRICS_FLUSH_MS,
      scrapeConfigFile: e.MESHLIGHT_SCRAPE_CONFIG || undefined,
      scrapeSelf: e.MESHLIGHT_SCRAPE_SELF,
      scrapeReloadMs: e.MESHLIGHT_SCRAPE_RELOAD_MS,
    },
  };
}

/**
 * Ingest tokens from MESHLIGHT_INGEST_TOKENS (comma-separated) or its file (one a line, `#`
 * comments): each at least 16 characters, no whitespace or commas, so a guess is hopeless and a
 * pasted token is not silently split.
 */
export function parseIngestTokens(text: string, separator: string | RegExp, source: string): string[] {
  const tokens = text
    .split(separator)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const token of tokens) {
    if (token.length < 16 || /[\s,]/.test(token)) {
      throw new Error(`invalid configuration: ${source}: each token must be at least 16 characters, without spaces or commas`);
    }
  }
  return tokens;
}
