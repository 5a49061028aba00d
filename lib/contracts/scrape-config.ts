// MESHLIGHT_SCRAPE_CONFIG: the subset of Prometheus's configuration file
// (https://prometheus.io/docs/prometheus/latest/configuration/configuration/) that says what to
// scrape: `global` and `scrape_configs` with job_name, scrape_interval, scrape_timeout,
// metrics_path, scheme, params, honor_labels, static_configs, file_sd_configs, basic_auth,
// bearer_token(_file) and authorization. Other keys of a Prometheus file (rule_files, alerting,
// remote_write, relabel_configs...) are ignored, so an existing prometheus.yml loads as is.
// Also the runtime API's body (POST /api/scrape-targets) and the file_sd file format.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parsePromDuration } from '../domain/metrics/duration';

const duration = z.string().transform((text, ctx) => {
  const ms = parsePromDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a Prometheus duration: "${text}"` });
    return z.NEVER;
  }
  return ms;
});

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const labelSetSchema = z
  .record(z.string(), z.string())
  .refine((labels) => Object.keys(labels).every((name) => LABEL_NAME.test(name)), 'label names must match [a-zA-Z_][a-zA-Z0-9_]*');

/** host:port (a name, IPv4 or [IPv6]), optionally without a port. */
export const targetAddressSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+)(:\d{1,5})?$/, 'targets are host:port, without a scheme or path');

const staticConfigSchema = z.object({
  targets: z.array(targetAddressSchema).default([]),
  labels: labelSetSchema.default({}),
});

const fileSdConfigSchema = z.object({
  files: z.array(z.string().min(1)).min(1),
  refresh_interval: duration.optional(),
});

const basicAuthSchema = z.object({
  username: z.string(),
  password: z.string().optional(),
  password_file: z.string().optional(),
});

const authorizationSchema = z.object({
  type: z.string().default('Bearer'),
  credentials: z.string().optional(),
  credentials_file: z.string().optional(),
});

const scrapeJobSchema = z
  .object({
    job_name: z.string().min(1),
    scrape_interval: duration.optional(),
    scrape_timeout: duration.optional(),
    metrics_path: z.string().startsWith('/').default('/metrics'),
    scheme: z.enum(['http', 'https']).default('http'),
    params: z.record(z.string(), z.array(z.string())).default({}),
    honor_labels: z.boolean().default(false),
    honor_timestamps: z.boolean().default(true),
    static_configs: z.array(staticConfigSchema).default([]),
    file_sd_configs: z.array(fileSdConfigSchema).default([]),
    basic_auth: basicAuthSchema.optional(),
    bearer_token: z.string().optional(),
    bearer_token_file: z.string().optional(),
    authorization: authorizationSchema.optional(),
  })
  .passthrough();

export const scrapeConfigSchema = z
  .object({
    global: z
      .object({
        scrape_interval: duration.optional(),
        scrape_timeout: duration.optional(),
      })
      .passthrough()
      .default({}),
    scrape_configs: z.array(scrapeJobSchema).default([]),
  })
  .passthrough()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.scrape_configs.forEach((job, i) => {
      if (seen.has(job.job_name)) ctx.addIssue({ code: 'custom', path: ['scrape_configs', i, 'job_name'], message: `duplicate job_name "${job.job_name}"` });
      seen.add(job.job_name);
    });
  });

export type ScrapeConfigFile = z.infer<typeof scrapeConfigSchema>;
export type ScrapeJobConfig = ScrapeConfigFile['scrape_configs'][number];

/** A resolved job: defaults from `global` applied, durations in milliseconds. */
export interface ScrapeJob {
  jobName: string;
  intervalMs: number;
  timeoutMs: number;
  metricsPath: string;
  scheme: 'http' | 'https';
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  staticConfigs: { targets: string[]; labels: Record<string, string> }[];
  fileSd: { files: string[]; refreshMs: number }[];
  /** The Authorization header value, when the job has credentials. */
  authorization?: { basic?: { username: string; password?: string; passwordFile?: string }; bearer?: { type: string; credentials?: string; credentialsFile?: string } };
}

export const DEFAULT_SCRAPE_INTERVAL_MS = 60_000; // Prometheus's default
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

export class ScrapeConfigError extends Error {
  override name = 'ScrapeConfigError';
}

/** Parses and validates the YAML text of a scrape configuration file. */
export function parseScrapeConfig(yamlText: string): ScrapeJob[] {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText) ?? {};
  } catch (error) {
    throw new ScrapeConfigError(`scrape config is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = scrapeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScrapeConfigError(
      `invalid scrape config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const global = parsed.data.global;
  const globalInterval = global.scrape_interval ?? DEFAULT_SCRAPE_INTERVAL_MS;
  const globalTimeout = global.scrape_timeout ?? DEFAULT_SCRAPE_TIMEOUT_MS;
  return parsed.data.scrape_configs.map((job) => {
    const intervalMs = job.scrape_interval ?? globalInterval;
    const timeoutMs = Math.min(job.scrape_timeout ?? globalTimeout, intervalMs);
    const bearer = job.authorization ?? (job.bearer_token || job.bearer_token_file ? { type: 'Bearer', credentials: job.bearer_token, credentials_file: job.bearer_token_file } : undefined);
    return {
      jobName: job.job_name,
      intervalMs,
      timeoutMs,
      metricsPath: job.metrics_path,
      scheme: job.scheme,
      params: job.params,
      honorLabels: job.honor_labels,
      honorTimestamps: job.honor_timestamps,
      staticConfigs: job.static_configs,
      fileSd: job.file_sd_configs.map((sd) => ({ files: sd.files, refreshMs: sd.refresh_interval ?? 5 * 60_000 })),
      authorization:
        job.basic_auth || bearer
          ? {
              basic: job.basic_auth ? { username: job.basic_auth.username, password: job.basic_auth.password, passwordFile: job.basic_auth.password_file } : undefined,
              bearer: bearer ? { type: bearer.type, credentials: bearer.credentials, credentialsFile: bearer.credentials_file } : undefined,
            }
          : undefined,
    };
  });
}

/** One entry of a file_sd file (JSON or YAML): a list of these. */
export const fileSdGroupSchema = z.array(
  z.object({
    targets: z.array(targetAddressSchema),
    labels: z.record(z.string(), z.string()).default({}),
  }),
);

/** What a scrape target serves: Prometheus exposition, or a NATS monitoring endpoint's JetStream report. */
export const scrapeFormatSchema = z.enum(['prometheus', 'nats-jsz']);
export type ScrapeFormat = z.infer<typeof scrapeFormatSchema>;

/** POST /api/scrape-targets. `metricsPath` defaults to /metrics, or /jsz for a NATS monitoring endpoint. */
export const createScrapeTargetSchema = z
  .object({
    job: z.string().min(1).max(200),
    target: targetAddressSchema,
    format: scrapeFormatSchema.default('prometheus'),
    metricsPath: z.string().startsWith('/').max(1000).optional(),
    intervalSeconds: z.number().int().min(1).max(86_400).default(15),
    labels: labelSetSchema.default({}),
  })
  .transform((input) => ({ ...input, metricsPath: input.metricsPath ?? (input.format === 'nats-jsz' ? '/jsz' : '/metrics') }));
export type CreateScrapeTarget = z.infer<typeof createScrapeTargetSchema>;

/** One row of GET /api/scrape-targets. */
export interface ScrapeTargetView {
  id: string;
  source: string;
  job: string;
  target: string;
  scheme: string;
  metricsPath: string;
  format: ScrapeFormat;
  intervalSeconds: number;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastScrape: string | null;
  lastDurationMs: number | null;
  samples: number | null;
  refusedSeries: number;
  lastError: string | null;
}
