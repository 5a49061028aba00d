// The collector's metrics signal, wired: the MetricStore (head + chunk writes, its flush timer),
// metric_chunks' daily partitions and retention, and the scrape manager (MESHLIGHT_SCRAPE_CONFIG
// plus the collector's own /metrics plus /api/scrape-targets rows). collector.ts calls
// startMetrics() before listening (so /metrics can include the store's counters) and
// startScraping() once the port is known.
//
// MERGE NOTE: when the generic pipeline lands, remote_write and OTLP metrics hand their
// MetricBatch to `store` (or the pipeline in front of it); the scrape loops take any MetricSink.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricsConfig } from '../lib/contracts/collector-config';
import { parseScrapeConfig, type ScrapeJob } from '../lib/contracts/scrape-config';
import type { Logger } from './pipeline/batch-writer';
import { parseExposition, SCRAPE_ACCEPT } from './scrape/exposition';
import { ScrapeManager } from './scrape/scrape-manager';
import type { ScrapeObserver } from './scrape/scrape-loop';
import { MetricPartitionManager } from './store/metric-partitions';
import { MetricStore } from './store/metric-store';
import type { SqlExecutor } from './store/sql-executor';

export interface RunningMetrics {
  store: MetricStore;
  scrapes: ScrapeManager | undefined;
  /** Starts the scrape loops (once); `observer` sees each scrape's samples (breakers and lag). */
  startScraping(selfAddress: string | undefined, observer?: ScrapeObserver): void;
  metricsText(): string;
  stop(): Promise<void>;
}

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** Reads MESHLIGHT_SCRAPE_CONFIG; a broken file stops start-up with the reason (as Prometheus does). */
export function loadScrapeJobs(file: string | undefined): { jobs: ScrapeJob[]; configDir: string } {
  if (!file) return { jobs: [], configDir: process.cwd() };
  const full = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new Error(`MESHLIGHT_SCRAPE_CONFIG: cannot read ${full}: ${(error as Error).message}`);
  }
  return { jobs: parseScrapeConfig(text), configDir: path.dirname(full) };
}

export async function startMetrics(db: SqlExecutor, config: MetricsConfig, log: Logger): Promise<RunningMetrics> {
  const { jobs, configDir } = loadScrapeJobs(config.scrapeConfigFile);
  const partitions = new MetricPartitionManager(db, config.retentionDays);
  await partitions.load();
  const store = new MetricStore(db, { maxSeriesPerMetric: config.maxSeriesPerMetric, flushIntervalMs: config.flushIntervalMs, partitions });
  await store.init();
  store.start();
  const retention = async () => {
    try {
      const report = await partitions.applyRetention();
      if (report.droppedPartitions.length || report.deletedSeries) log.info('metrics retention applied', { ...report });
    } catch (error) {
      log.warn('metrics retention failed; will retry', { error: String(error) });
    }
  };
  await retention();
  const retentionTimer = setInterval(retention, RETENTION_INTERVAL_MS).unref();

  let scrapes: ScrapeManager | undefined;
  return {
    store,
    get scrapes() {
      return scrapes;
    },
    startScraping(selfAddress, observer) {
      if (scrapes) return;
      scrapes = new ScrapeManager({
        db,
        sink: store,
        parser: parseExposition,
        accept: SCRAPE_ACCEPT,
        jobs,
        configDir,
        selfAddress: config.scrapeSelf ? selfAddress : undefined,
        reloadIntervalMs: config.scrapeReloadMs,
        log,
        observer,
      });
      scrapes.start();
      if (jobs.length) log.info('scraping', { jobs: jobs.map((job) => job.jobName), config: config.scrapeConfigFile });
    },
    metricsText: () => store.metricsText(),
    async stop() {
      clearInterval(retentionTimer);
      await scrapes?.stop();
      try {
        await store.stop();
      } catch (error) {
        log.warn('metrics head could not be written at shutdown', { error: String(error) });
      }
    },
  };
}
