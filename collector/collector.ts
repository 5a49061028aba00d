// Wires the collector together: database (a PostgreSQL server, or the embedded PGlite it then
// serves to the UI), migrations, partitions and retention, the queue and writers, the OTLP
// receivers, and an orderly shutdown that flushes what was accepted. main.ts is the CLI around it;
// tests and benchmarks start it in-process.
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import type { CollectorConfig } from '../lib/contracts/collector-config';
import { applyMigrations } from '../lib/db/migrator';
import type { TraceBatch } from '../lib/domain/model';
import { BatchWriter, type Logger } from './pipeline/batch-writer';
import { CollectorStats } from './pipeline/collector-stats';
import { SpanQueue } from './pipeline/span-queue';
import { spoolRows, unspoolRows } from './pipeline/spool';
import { TraceConsumer } from './pipeline/trace-consumer';
import { bindGrpc, createGrpcReceiver } from './receivers/otlp/grpc-receiver';
import { createHttpReceiver } from './receivers/otlp/http-receiver';
import { startSelfTracing, type SelfTracing } from './self-tracing';
import { LiveHub } from './live/live-hub';
import { startMetrics } from './metrics';
import { ServiceGraph } from './service-graph/service-graph';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './store/embedded-database';
import { retentionCutoffNs } from './store/partition-plan';
import { PartitionManager } from './store/partitions';
import { createPgExecutor } from './store/pg-executor';
import { SpanStore } from './store/span-store';
import type { SqlExecutor } from './store/sql-executor';

export interface RunningCollector {
  httpPort: number;
  grpcPort: number;
  /** The URL the UI server should use: the configured server, or the embedded database's endpoint. */
  databaseUrl: string;
  stats: CollectorStats;
  /** Undefined when MESHLIGHT_SERVICE_GRAPH=off. */
  serviceGraph: ServiceGraph | undefined;
  /** Resolves once every span accepted so far has been written (or the timeout passes). */
  flushed(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export async function startCollector(config: CollectorConfig, log: Logger): Promise<RunningCollector> {
  let embedded: EmbeddedDatabase | undefined;
  let db: SqlExecutor;
  let databaseUrl: string;
  if (config.databaseUrl) {
    const migrationDb = createPgExecutor(config.databaseUrl, 1);
    try {
      await applyMigrations(migrationDb);
    } finally {
      await migrationDb.close();
    }
    db = createPgExecutor(config.databaseUrl, config.batch.writers + 2);
    databaseUrl = config.databaseUrl;
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, host: '127.0.0.1', port: config.embeddedDbPort });
    await applyMigrations(embedded.executor);
    db = embedded.executor;
    databaseUrl = embedded.url;
  }
  log.info('database ready', { database: db.description });

  const policy = { retentionDays: config.retentionDays, futureDays: 1 };
  const partitions = new PartitionManager(db, policy);
  await partitions.load();
  await partitions.ensureUpcoming();
  const graphConfig = config.serviceGraph;
  const liveHub = graphConfig.enabled && graphConfig.liveEnabled ? new LiveHub({ intervalMs: graphConfig.liveIntervalMs }) : undefined;
  const serviceGraph = graphConfig.enabled ? new ServiceGraph(db, graphConfig, log, liveHub) : undefined;
  const runRetention = async () => {
    try {
      const report = await partitions.applyRetention();
      await partitions.ensureUpcoming();
      // The graph's rollups live exactly as long as the spans they summarize.
      const rollupRows = await serviceGraph?.applyRetention(Number(retentionCutoffNs(Date.now(), policy) / 1_000_000n));
      if (report.dropped.length || report.deletedFromDefault || rollupRows) log.info('retention applied', { ...report, rollupRows });
    } catch (error) {
      log.warn('retention failed; will retry', { error: String(error) });
    }
  };
  await runRetention();
  const retentionTimer = setInterval(runRetention, RETENTION_INTERVAL_MS).unref();

  const metrics = await startMetrics(db, config.metrics, log);
  const stats = new CollectorStats();
  const queue = new SpanQueue(config.queue);
  const store = new SpanStore(db, partitions);
  const writer = new BatchWriter(queue, store, { ...config.batch, maxBackoffMs: 5000 }, stats, log);
  const spoolDir = path.resolve(config.dataDir, 'spool');
  const spooled = await unspoolRows(spoolDir);
  if (spooled.length) {
    queue.putBack(spooled);
    log.info('re-queued spans spooled at the last shutdown', { spans: spooled.reduce((n, r) => n + r.spanCount, 0) });
  }
  writer.start();

  serviceGraph?.start();
  const consumer = new TraceConsumer(queue, writer, stats, serviceGraph);
  const selfTracing: SelfTracing = startSelfTracing(config.selfTraceRatio, 'collector', (batch) => consumer.export(batch));
  const exportTraces = (batch: TraceBatch) =>
    selfTracing.tracer.startActiveSpan('otlp.export traces', (span) => {
      span.setAttribute('meshlight.spans', batch.spanCount);
      try {
        const result = consumer.export(batch);
        if (result.rejectedSpans) span.setAttribute('meshlight.rejected_spans', result.rejectedSpans);
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });

  const gauges = () => ({ queuedSpans: queue.queuedSpans, queuedBytes: queue.queuedBytes, storageAvailable: writer.storageAvailable });
  const http: HttpServer = createHttpReceiver({
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    exportTraces,
    metricsText: () => stats.toPrometheus(gauges()) + (serviceGraph?.metricsText() ?? '') + metrics.metricsText(),
    health: () => ({ status: writer.storageAvailable ? 'ok' : 'degraded', ...gauges(), spansWritten: stats.spansWritten }),
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.httpPort, config.bindHost, () => resolve());
  });
  const httpPort = (http.address() as { port: number }).port;
  liveHub?.attach(http);
  const selfHost = ['0.0.0.0', '::', ''].includes(config.bindHost) ? '127.0.0.1' : config.bindHost.includes(':') ? `[${config.bindHost}]` : config.bindHost;
  metrics.startScraping(`${selfHost}:${httpPort}`);
  const grpcServer: grpc.Server = createGrpcReceiver({ maxBodyBytes: config.maxBodyBytes, exportTraces });
  const grpcPort = await bindGrpc(grpcServer, config.bindHost, config.grpcPort);
  log.info('collector listening', { otlpHttp: `http://${config.bindHost}:${httpPort}`, otlpGrpc: `${config.bindHost}:${grpcPort}` });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(retentionTimer);
      await liveHub?.close();
      // Stop taking new requests, let in-flight ones finish, then flush everything accepted.
      await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await selfTracing.shutdown().catch(() => {});
      await writer.stop(Date.now() + config.shutdownTimeoutMs);
      await serviceGraph?.stop();
      await metrics.stop();
      const left = queue.drainAll();
      if (left.length) {
        const file = await spoolRows(spoolDir, left);
        log.warn('database unavailable at shutdown; spooled accepted spans to disk', {
          file,
          spans: left.reduce((n, r) => n + r.spanCount, 0),
        });
      }
      await db.close();
      await embedded?.close();
      log.info('collector stopped', { spansWritten: stats.spansWritten });
    })());

  const flushed = async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (stats.spansWritten + stats.spansDroppedInvalid >= stats.spansAccepted && queue.queuedSpans === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  };

  return { httpPort, grpcPort, databaseUrl, stats, serviceGraph, flushed, stop };
}
