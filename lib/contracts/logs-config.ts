// The logs signal's collector settings, read from the environment with zod (kept apart from
// collector-config.ts so the lead can fold them in where the pipeline wants them):
//   MESHLIGHT_LOGS_RETENTION_DAYS      days of logs kept (default: MESHLIGHT_RETENTION_DAYS, else 7)
//   MESHLIGHT_LOG_CORRELATION_KEYS     log attribute keys holding a correlation id, comma-separated
//   MESHLIGHT_SPAN_CORRELATION_KEYS    span attribute keys holding one (learned per trace at ingest)
import { z } from 'zod';
import { DEFAULT_LOG_CORRELATION_KEYS, DEFAULT_SPAN_CORRELATION_KEYS } from '../domain/logs/correlation';

const keyList = z
  .string()
  .transform((text) => text.split(',').map((key) => key.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(200)).min(1, 'name at least one key').max(32));

const schema = z.object({
  MESHLIGHT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  MESHLIGHT_LOGS_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  MESHLIGHT_LOG_CORRELATION_KEYS: keyList.optional(),
  MESHLIGHT_SPAN_CORRELATION_KEYS: keyList.optional(),
});

export interface LogsConfig {
  retentionDays: number;
  correlationKeys: readonly string[];
  spanCorrelationKeys: readonly string[];
}

export function readLogsConfig(env: Record<string, string | undefined> = process.env): LogsConfig {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(blankless);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    retentionDays: e.MESHLIGHT_LOGS_RETENTION_DAYS ?? e.MESHLIGHT_RETENTION_DAYS ?? 7,
    correlationKeys: e.MESHLIGHT_LOG_CORRELATION_KEYS ?? DEFAULT_LOG_CORRELATION_KEYS,
    spanCorrelationKeys: e.MESHLIGHT_SPAN_CORRELATION_KEYS ?? DEFAULT_SPAN_CORRELATION_KEYS,
  };
}
