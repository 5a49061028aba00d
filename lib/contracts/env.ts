// The UI server's environment (Next.js route handlers and server pages), validated with zod the
// first time something needs it, so a missing or mistyped DATABASE_URL fails with a clear message
// instead of a driver error deep inside a query. Add new variables to `uiEnvSchema`.
import { z } from 'zod';

export const uiEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is not set; point it at the PostgreSQL database the collector writes to' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL'),
  /**
   * A streaming replica of DATABASE_URL for the UI's and query APIs' reads (docs/scaling.md);
   * writes and migrations always go to DATABASE_URL.
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_READ_URL must be a postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Replay lag (seconds) past which the UI says it reads from a replica that is behind (default 5). */
  MESHLIGHT_REPLICA_LAG_WARN_SECONDS: z.coerce.number().min(0).optional(),
  /** Set by `npm start`: where the collector takes OTLP/HTTP, shown in the UI's "no spans yet" hint. */
  MESHLIGHT_COLLECTOR_OTLP_HTTP: z.url().optional(),
});

export type UiEnv = z.infer<typeof uiEnvSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseUiEnv(env: Record<string, string | undefined> = process.env): UiEnv {
  const result = uiEnvSchema.safeParse(env);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
}

const otlpEndpointSchema = uiEnvSchema.shape.MESHLIGHT_COLLECTOR_OTLP_HTTP;

/** The OTLP/HTTP endpoint to tell users about, as they would type it (localhost, the real port). */
export function collectorOtlpHttpEndpoint(env: Record<string, string | undefined> = process.env): string {
  const parsed = otlpEndpointSchema.safeParse(env.MESHLIGHT_COLLECTOR_OTLP_HTTP || undefined);
  if (!parsed.success || !parsed.data) return 'http://localhost:4318';
  const url = new URL(parsed.data);
  if (url.hostname === '127.0.0.1' || url.hostname === '0.0.0.0' || url.hostname === '::1') url.hostname = 'localhost';
  return url.origin;
}
