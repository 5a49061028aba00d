// Keeps one scrape loop per target: the configuration file's jobs (static_configs, file_sd_configs
// re-read on change), the collector's own /metrics (job `meshlight`) and the targets added at
// runtime through /api/scrape-targets (rows with source 'api'). Every reconcile (default 10 s)
// mirrors the non-API targets into scrape_targets, reads the API targets, and starts, restarts or
// stops loops to match. Each scrape's outcome is written back to its row.
import type { ScrapeJob } from '../../lib/contracts/scrape-config';
import type { Logger } from '../pipeline/batch-writer';
import type { SqlExecutor } from '../store/sql-executor';
import type { ExpositionParser } from './exposition';
import { FileSdReader } from './file-sd';
import { ScrapeLoop, type MetricSink, type ScrapeObserver, type ScrapeReport } from './scrape-loop';
import { targetIdentity, targetsOfJob, type ScrapeTargetSpec } from './targets';

export interface ScrapeManagerOptions {
  db: SqlExecutor;
  sink: MetricSink;
  parser: ExpositionParser;
  accept: string;
  jobs: ScrapeJob[];
  /** Resolves relative file_sd paths (the configuration file's directory). */
  configDir: string;
  /** host:port of the collector's own /metrics, scraped as job `meshlight`; undefined to skip. */
  selfAddress?: string;
  selfIntervalMs?: number;
  reloadIntervalMs: number;
  log: Logger;
  now?: () => number;
  fetch?: typeof fetch;
  /** Sees every successful scrape's samples (the breaker and lag monitor). */
  observer?: ScrapeObserver;
}

interface ApiTargetRow {
  id: string;
  job: string;
  target: string;
  scheme: string;
  metrics_path: string;
  format: string;
  interval_seconds: number;
  labels: Record<string, string>;
}

const SELF_JOB = 'meshlight';

export class ScrapeManager {
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly fileSd: FileSdReader;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private reconciling: Promise<void> | undefined;
  private readonly pendingReports = new Map<string, ScrapeReport>();
  private writingReports: Promise<void> | undefined;

  constructor(private readonly options: ScrapeManagerOptions) {
    this.fileSd = new FileSdReader(options.configDir);
  }

  get targets(): ScrapeTargetSpec[] {
    return [...this.loops.values()].map((loop) => loop.target);
  }

  start(): void {
    this.started = true;
    const run = () => {
      this.reconcile().catch((error) => this.options.log.warn('scrape targets could not be reconciled; will retry', { error: String(error) }));
    };
    run();
    this.timer = setInterval(run, this.options.reloadIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    await this.reconciling?.catch(() => {});
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    this.loops.clear();
    await this.flushReports();
  }

  /** Scrapes every target once, now, and waits for the outcomes to be written (tests, tools). */
  async scrapeAll(): Promise<ScrapeReport[]> {
    const reports = await Promise.all([...this.loops.values()].map((loop) => loop.scrapeOnce()));
    await this.flushReports();
    return reports;
  }

  async reconcile(): Promise<void> {
    while (this.reconciling) await this.reconciling.catch(() => {});
    this.reconciling = this.reconcileOnce();
    try {
      await this.reconciling;
    } finally {
      this.reconciling = undefined;
    }
  }

  private desiredFromConfig(): ScrapeTargetSpec[] {
    const out: ScrapeTargetSpec[] = [];
    for (const job of this.options.jobs) {
      out.push(...targetsOfJob(job, job.staticConfigs, 'config'));
      for (const sd of job.fileSd) out.push(...targetsOfJob(job, this.fileSd.groups(sd.files), 'file_sd'));
    }
    for (const [file, problem] of this.fileSd.problems) this.options.log.warn('file_sd file unusable; keeping its last targets', { file, problem });
    const { selfAddress } = this.options;
    if (selfAddress && !this.options.jobs.some((job) => job.jobName === SELF_JOB)) {
      const intervalMs = this.options.selfIntervalMs ?? 15_000;
      out.push(
        ...targetsOfJob(
          { jobName: SELF_JOB, intervalMs, timeoutMs: Math.min(10_000, intervalMs), metricsPath: '/metrics', scheme: 'http', params: {}, honorLabels: false, honorTimestamps: true, staticConfigs: [], fileSd: [] },
          [{ targets: [selfAddress], labels: {} }],
          'self',
        ),
      );
    }
    return out;
  }

  private async reconcileOnce(): Promise<void> {
    const { db } = this.options;
    const fromConfig = this.desiredFromConfig();
    // Mirror configured targets into scrape_targets so /targets shows them; forget removed ones.
    const ids: string[] = [];
    if (fromConfig.length) {
      const rows = await db.query<{ id: string; job: string; target: string; metrics_path: string }>(
        `INSERT INTO scrape_targets (source, job, target, scheme, metrics_path, interval_seconds, labels)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::jsonb[])
         ON CONFLICT (job, target, metrics_path) DO UPDATE SET source = EXCLUDED.source, scheme = EXCLUDED.scheme,
           interval_seconds = EXCLUDED.interval_seconds, labels = EXCLUDED.labels
         RETURNING id, job, target, metrics_path`,
        [
          fromConfig.map((t) => t.source),
          fromConfig.map((t) => t.job),
          fromConfig.map((t) => t.address),
          fromConfig.map((t) => t.scheme),
          fromConfig.map((t) => t.metricsPath),
          fromConfig.map((t) => Math.max(1, Math.round(t.intervalMs / 1000))),
          fromConfig.map((t) => JSON.stringify(withoutJobAndInstance(t))),
        ],
      );
      const idOf = new Map(rows.map((row) => [`${row.job}\n${row.target}\n${row.metrics_path}`, row.id]));
      for (const t of fromConfig) {
        t.id = idOf.get(`${t.job}\n${t.address}\n${t.metricsPath}`);
        if (t.id) ids.push(t.id);
      }
    }
    await db.query(`DELETE FROM scrape_targets WHERE source <> 'api' AND NOT (id = ANY($1::text[]))`, [ids]);

    const apiRows = await db.query<ApiTargetRow>(
      `SELECT id, job, target, scheme, metrics_path, format, interval_seconds, labels FROM scrape_targets WHERE source = 'api'`,
    );
    const fromApi = apiRows.map((row): ScrapeTargetSpec => {
      const intervalMs = row.interval_seconds * 1000;
      const jsz = row.format === 'nats-jsz';
      return {
        id: row.id,
        source: 'api',
        job: row.job,
        address: row.target,
        scheme: row.scheme === 'https' ? 'https' : 'http',
        metricsPath: row.metrics_path,
        // A NATS monitoring endpoint reports its consumers only when asked.
        params: jsz ? { consumers: ['true'] } : {},
        ...(jsz ? { format: 'nats-jsz' as const } : {}),
        intervalMs,
        timeoutMs: Math.min(10_000, intervalMs),
        honorLabels: false,
        honorTimestamps: true,
        labels: { ...row.labels, job: row.job, instance: row.labels.instance || row.target },
      };
    });

    const desired = new Map<string, ScrapeTargetSpec>();
    for (const t of [...fromConfig, ...fromApi]) desired.set(`${t.id}\n${targetIdentity(t)}`, t);
    for (const [key, loop] of this.loops) {
      if (!desired.has(key)) {
        this.loops.delete(key);
        await loop.stop();
      }
    }
    for (const [key, target] of desired) {
      if (this.loops.has(key)) continue;
      const loop = new ScrapeLoop(target, {
        sink: this.options.sink,
        parser: this.options.parser,
        accept: this.options.accept,
        now: this.options.now ?? Date.now,
        fetch: this.options.fetch ?? fetch,
        onReport: (report) => this.queueReport(report),
        observer: this.options.observer,
      });
      this.loops.set(key, loop);
      if (this.started) loop.start(spreadOffset(key, target.intervalMs));
    }
  }

  private queueReport(report: ScrapeReport): void {
    if (!report.target.id) return;
    this.pendingReports.set(report.target.id, report);
    if (this.started) void this.flushReports();
  }

  /** Writes the latest outcome of each target to its row (one statement for all of them). */
  private async flushReports(): Promise<void> {
    while (this.writingReports) await this.writingReports;
    if (this.pendingReports.size === 0) return;
    const reports = [...this.pendingReports.values()];
    this.pendingReports.clear();
    this.writingReports = this.options.db
      .query(
        `UPDATE scrape_targets s SET health = x.health, last_scrape = to_timestamp(x.t / 1000.0), last_duration_ms = x.d,
           samples = x.n, refused_series = x.r, last_error = x.e
         FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::int4[], $6::int4[], $7::text[]) AS x(id, health, t, d, n, r, e)
         WHERE s.id = x.id`,
        [
          reports.map((r) => r.target.id),
          reports.map((r) => r.health),
          reports.map((r) => r.scrapeTimeMs),
          reports.map((r) => Math.round(r.durationMs * 1000) / 1000),
          reports.map((r) => r.samples),
          reports.map((r) => r.refusedSeries),
          reports.map((r) => r.error ?? null),
        ],
      )
      .then(
        () => undefined,
        (error) => this.options.log.warn('scrape outcomes could not be written', { error: String(error) }),
      )
      .finally(() => (this.writingReports = undefined));
    await this.writingReports;
  }
}

function withoutJobAndInstance(target: ScrapeTargetSpec): Record<string, string> {
  const { job: _job, ...rest } = target.labels;
  if (rest.instance === target.address) delete rest.instance;
  return rest;
}

/** A stable offset in [0, interval) from the target's identity, so loops do not all fire at once. */
function spreadOffset(key: string, intervalMs: number): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619) >>> 0;
  return hash % intervalMs;
}
