// The collector's configuration, read from environment variables and validated at start-up so a
// typo fails loudly instead of silently falling back. README's configuration table mirrors this.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

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
  /** Port of the embedded database's PostgreSQL wire endpoint (0 = any free port). */
  MESHLIGHT_EMBEDDED_DB_PORT: port.default(0),
  MESHLIGHT_RETENTION_DAYS: positiveInt.default(7),
  MESHLIGHT_MAX_BODY_BYTES: positiveInt.default(20 * 1024 * 1024),
  MESHLIGHT_QUEUE_MAX_SPANS: positiveInt.default(200_000),
  MESHLIGHT_QUEUE_MAX_BYTES: positiveInt.default(256 * 1024 * 1024),
  MESHLIGHT_BATCH_SPANS: positiveInt.default(8192),
  MESHLIGHT_BATCH_LINGER_MS: z.coerce.number().int().min(0).default(50),
  MESHLIGHT_WRITERS: positiveInt.default(2),
  /** Comma-separated origins allowed to send OTLP from a browser; `*` for any. */
  MESHLIGHT_CORS_ORIGINS: z.string().default('*'),
  /** Fraction of Meshlight's own ingest and query work it traces (service `meshlight`). */
  MESHLIGHT_SELF_TRACE_RATIO: z.coerce.number().min(0).max(1).default(0.01),
  MESHLIGHT_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
});

export type CollectorEnv = z.infer<typeof collectorEnvSchema>;

export interface CollectorConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  bindHost: string;
  httpPort: number;
  grpcPort: number;
  embeddedDbPort: number;
  retentionDays: number;
  maxBodyBytes: number;
  queue: { maxSpans: number; maxBytes: number };
  batch: { writers: number; batchSpans: number; lingerMs: number };
  corsOrigins: '*' | string[];
  selfTraceRatio: number;
  shutdownTimeoutMs: number;
}

export function readCollectorConfig(env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const parsed = collectorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const origins = e.MESHLIGHT_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MESHLIGHT_DATA_DIR,
    bindHost: e.MESHLIGHT_BIND_HOST,
    httpPort: e.MESHLIGHT_OTLP_HTTP_PORT,
    grpcPort: e.MESHLIGHT_OTLP_GRPC_PORT,
    embeddedDbPort: e.MESHLIGHT_EMBEDDED_DB_PORT,
    retentionDays: e.MESHLIGHT_RETENTION_DAYS,
    maxBodyBytes: e.MESHLIGHT_MAX_BODY_BYTES,
    queue: { maxSpans: e.MESHLIGHT_QUEUE_MAX_SPANS, maxBytes: e.MESHLIGHT_QUEUE_MAX_BYTES },
    batch: { writers: e.MESHLIGHT_WRITERS, batchSpans: e.MESHLIGHT_BATCH_SPANS, lingerMs: e.MESHLIGHT_BATCH_LINGER_MS },
    corsOrigins: origins.includes('*') ? '*' : origins,
    selfTraceRatio: e.MESHLIGHT_SELF_TRACE_RATIO,
    shutdownTimeoutMs: e.MESHLIGHT_SHUTDOWN_TIMEOUT_MS,
  };
}
