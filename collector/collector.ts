// Wires the collector together: database (a PostgreSQL server, or the embedded PGlite it then
// serves to the UI), migrations, partitions and retention, the signals and their ingest pipeline,
// the receivers' route table, and an orderly shutdown that flushes what was accepted. main.ts is
// the CLI around it; tests and benchmarks start it in-process.
//
// A database that is down at start-up does not stop the collector: it listens at once (receivers
// answer 503 + Retry-After, /health says degraded) and retries the migrations with backoff, then
// starts writing.
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import type { CollectorConfig } from '../lib/contracts/collector-config';
import { applyMigrations } from '../lib/db/migrator';
import type { TraceBatch } from '../lib/domain/model';
import type { Logger } from './pipeline/batch-writer';
import { IngestPipeline, type SignalLane } from './pipeline/ingest-pipeline';
import type { AnySignalDefinition, ExportResult } from './pipeline/signal';
import { bindGrpc, createGrpcReceiver } from './receivers/otlp/grpc-receiver';
import { createHttpReceiver } from './receivers/otlp/http-receiver';
import { OTLP_SIGNALS, otlpRoutes, traceWire, type OtlpSignalWire } from './receivers/otlp/otlp-signals';
import { IngestTokens, openIngestWarning } from './receivers/ingest-tokens';
import { StoredIngestTokens } from './receivers/stored-ingest-tokens';
import { ReceiverConnections } from './receivers/receiver-server';
import type { ReceiverRoutes } from './receivers/routes';
import { createZipkinReceiver } from './receivers/zipkin/zipkin-receiver';
import { startSelfTracing, type SelfTracing } from './self-tracing';
import { AlertLoop, alertLoopOptionsFromEnv } from './alerting/alert-loop';
import { PgSeriesQueryable } from '../lib/db/metrics/pg-series-queryable';
import { HealthMonitor } from './health/health-monitor';
import { liveAccess } from './live/live-access';
import { LiveHub } from './live/live-hub';
import { LogTail } from './live/log-tail';
import { startMetrics, type RunningMetrics } from './metrics';
import { metricSignal, metricsWire, remoteWriteRoutes } from './signals/metric-signal';
import { DeltaToCumulative } from '../lib/domain/metrics/delta-to-cumulative';
import { ServiceGraph } from './service-graph/service-graph';
import { correlationObserver, logSignal } from './signals/log-signal';
import { SPANS_TABLE, traceSignal } from './signals/trace-signal';
import { createLogPartitions } from './store/log-partitions';
import { logsRoutes, logsWire } from './receivers/logs-intake';
import { readLogsConfig } from '../lib/contracts/logs-config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './store/embedded-database';
import { forgetBatchesBefore } from './store/ingest-batches';
import { retentionCutoffNs } from './store/partition-plan';
import { PartitionManager } from './store/partitions';
import { createPgExecutor } from './store/pg-executor';
import { retryUntilReady } from './store/retry-until-ready';
import type { SqlExecutor } from './store/sql-executor';

/** The trace signal's counters under the names they always had. */
export interface SpanStatsView {
  readonly spansAccepted: number;
  readonly spansRejected: number;
  readonly spansWritten: number;
  readonly spansDroppedInvalid: number;
}

export interface RunningCollector {
  httpPort: number;
  grpcPort: number;
  zipkinPort: number;
  /** The URL the UI server should use: the configured server, or the embedded database's endpoint. */
  databaseUrl: string;
  stats: SpanStatsView;
  pipeline: IngestPipeline;
  /** Undefined when MESHLIGHT_SERVICE_GRAPH=off. */
  serviceGraph: ServiceGraph | undefined;
  /** Circuit breakers and broker lag: fed by scrapes, metrics and spans. */
  health: HealthMonitor;
  /** Resolves once every item accepted so far has been written (or the timeout passes). */
  flushed(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
  /** Stops as kill -9 would: sockets and the database pool closed, nothing drained or spooled (tests). */
  crash(): Promise<void>;
}

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export async function startCollector(config: CollectorConfig, log: Logger): Promise<RunningCollector> {
  // Who may send: ingest tokens on every port (checked before a body is read); TLS on every receiver
  // port when certificate files are configured. Both read first, so a bad file stops start-up early.
  const tls = config.tls && { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  let embedded: EmbeddedDatabase | undefined;
  let db: SqlExecutor;
  let databaseUrl: string;
  if (config.databaseUrl) {
    db = createPgExecutor(config.databaseUrl, config.batch.writers * OTLP_SIGNALS.length + 2);
    databaseUrl = config.databaseUrl;
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, host: '127.0.0.1', port: config.embeddedDbPort });
    db = embedded.executor;
    databaseUrl = embedded.url;
  }
  // ...and tokens created in the UI (/api/ingest-tokens), read from the database every 2 s.
  const storedTokens = new StoredIngestTokens(db, { cacheFile: path.resolve(config.dataDir, 'ingest-tokens.json'), log });
  const tokens = new IngestTokens({
    tokens: config.access.ingestTokens,
    file: config.access.ingestTokensFile,
    stored: storedTokens,
    onReloadError: (error) => log.warn('ingest tokens file unusable; the tokens read before stay in force', { error: error.message }),
  });

  const policy = { retentionDays: config.retentionDays, futureDays: 1 };
  const spanPartitions = new PartitionManager(db, SPANS_TABLE, policy);
  const logsConfig = config.logs ?? readLogsConfig({});
  const logsPolicy = { retentionDays: logsConfig.retentionDays, futureDays: 1 };
  const logPartitions = createLogPartitions(db, logsPolicy);
  const partitions = [spanPartitions, logPartitions];
  const graphConfig = config.serviceGraph;
  // MESHLIGHT_LIVE: the WebSocket for the map's deltas, breaker/lag changes, alert changes and the logs' live tail.
  const liveHub = graphConfig.liveEnabled ? new LiveHub({ intervalMs: graphConfig.liveIntervalMs, authorize: liveAccess({ ui: config.access.ui, origins: config.access.liveOrigins }) }) : undefined;
  const logTail = liveHub ? new LogTail(liveHub) : undefined;
  const serviceGraph = graphConfig.enabled ? new ServiceGraph(db, graphConfig, log, liveHub) : undefined;
  const health = new HealthMonitor(db, { flushIntervalMs: graphConfig.flushIntervalMs }, log, liveHub);
  // Alert rules read RED from traces and every stored metric (scraped, remote-written, OTLP).
  const alerting = new AlertLoop(db, { ...alertLoopOptionsFromEnv(process.env), extraQueryables: [new PgSeriesQueryable(db)] }, log, liveHub);

  // The signals, and how each arrives over OTLP. A new signal adds one entry to each list.
  const logs = logSignal({
    db,
    partitions: logPartitions,
    maxQueuedRecords: config.queue.maxSpans,
    observers: logTail ? [logTail] : [],
    onTermsError: (error) => log.warn('could not record or refresh the common log terms; they stay indexed', { error: String(error) }),
  });
  const correlations = correlationObserver(logs.store.correlations, logsConfig.spanCorrelationKeys, (error) =>
    log.warn('could not record correlation ids from spans', { error: String(error) }),
  );
  const traceObservers = [...(serviceGraph ? [serviceGraph] : []), health, correlations];
  // Metrics start with the database (startMetrics below); until then the lane's writes are held.
  let metrics: RunningMetrics | undefined;
  const deltas = new DeltaToCumulative({ now: Date.now });
  const signals: AnySignalDefinition[] = [
    traceSignal({ db, partitions: spanPartitions, maxQueuedSpans: config.queue.maxSpans, observers: traceObservers }),
    logs,
    metricSignal({ store: () => metrics?.store, maxQueuedSamples: config.queue.maxSpans * 5, sampleObserver: health }),
  ];
  const logsIntake = { maxBodyBytes: config.maxBodyBytes, correlationKeys: logsConfig.correlationKeys, nowNs: () => BigInt(Date.now()) * 1_000_000n };
  const wires: OtlpSignalWire<unknown>[] = [
    traceWire as OtlpSignalWire<unknown>,
    logsWire(logsIntake) as OtlpSignalWire<unknown>,
    metricsWire(deltas) as OtlpSignalWire<unknown>,
  ];

  const pipeline = new IngestPipeline(
    signals,
    {
      maxQueuedBytes: config.queue.maxBytes,
      writers: { writers: config.batch.writers, batchItems: config.batch.batchSpans, lingerMs: config.batch.lingerMs, maxBackoffMs: 5000 },
      spoolDir: path.resolve(config.dataDir, 'spool'),
      ...(config.wal.enabled ? { wal: { ...config.wal, dir: path.resolve(config.dataDir, 'wal') } } : {}),
    },
    log,
  );
  await pipeline.replay();
  const traces = pipeline.lane<TraceBatch>('traces');

  const runRetention = async () => {
    try {
      const reports = [];
      for (const manager of partitions) {
        reports.push(await manager.applyRetention());
        await manager.ensureUpcoming();
      }
      const cutoffMs = Number(retentionCutoffNs(Date.now(), policy) / 1_000_000n);
      // The graph's rollups live exactly as long as the spans they summarize.
      const rollupRows = await serviceGraph?.applyRetention(cutoffMs);
      const logsCutoffNs = retentionCutoffNs(Date.now(), logsPolicy);
      await logs.store.correlations.applyRetention(logsCutoffNs);
      await logs.store.applyVolumeRetention(Number(logsCutoffNs / 1_000_000n));
      await health.applyRetention(cutoffMs);
      const batchIds = await forgetBatchesBefore(db, cutoffMs);
      const dropped = reports.filter((r) => r.dropped.length || r.deletedFromDefault);
      if (dropped.length || rollupRows || batchIds) log.info('retention applied', { partitions: dropped, rollupRows, batchIds });
    } catch (error) {
      log.warn('retention failed; will retry', { error: String(error) });
    }
  };
  const prepareDatabase = async () => {
    if (config.databaseUrl) {
      const migrationDb = createPgExecutor(config.databaseUrl, 1);
      try {
        await applyMigrations(migrationDb);
      } finally {
        await migrationDb.close();
      }
    } else {
      await applyMigrations(db);
    }
    for (const manager of partitions) {
      await manager.load();
      await manager.ensureUpcoming();
    }
  };

  let stopped = false;
  let writing = false;
  // Metrics (store, retention, scraping) start once the database is ready; scraping also needs
  // the OTLP/HTTP port, for the collector's own /metrics.
  let selfAddress: string | undefined;
  const startScraping = () => {
    // Over TLS the self-scrape (plain http://) is skipped; /metrics is still served on the port.
    if (metrics && selfAddress && !stopped) metrics.startScraping(config.tls ? undefined : selfAddress, health);
  };
  let retentionTimer: NodeJS.Timeout | undefined;
  const startWriting = async () => {
    log.info('database ready', { database: db.description });
    await runRetention();
    retentionTimer = setInterval(runRetention, RETENTION_INTERVAL_MS).unref();
    metrics = await startMetrics(db, config.metrics, log);
    // The logs' common terms listed so far (until then, and if this fails, every term is indexed).
    await logs.terms.load().catch((error: unknown) => log.warn('could not load the common log terms', { error: String(error) }));
    // ... and those other replicas list from now on (every 30 s; a failure is retried next time).
    logs.terms.start();
    startScraping();
    storedTokens.start();
    pipeline.start();
    serviceGraph?.start();
    health.start();
    alerting.start();
    writing = true;
  };
  let preparing: Promise<void> | undefined;
  try {
    await prepareDatabase();
    await startWriting();
  } catch (error) {
    if (!config.databaseUrl) throw error; // the embedded database is ours: nothing to wait for
    log.error('database unreachable at start-up; answering 503 until it is back', { database: db.description, error: String(error) });
    pipeline.markUnavailable();
    preparing = retryUntilReady(prepareDatabase, 'database start-up', log, { firstDelayMs: 500, maxDelayMs: 10_000, cancelled: () => stopped }).then(
      async (ready) => {
        if (ready && !stopped) await startWriting();
      },
    );
  }

  const selfTracing: SelfTracing = startSelfTracing(config.selfTraceRatio, 'collector', (batch) => traces.export(batch));
  const exportOf = (signal: string) => tracedExport(pipeline.lane(signal), selfTracing);
  const routes: ReceiverRoutes = otlpRoutes(wires, exportOf);
  // Routes of other ingest protocols (remote_write, Loki push, JSON lines, ...) are added here:
  // routes.http.push(...myRoutes(exportOf('metrics'))).
  routes.http.push(...logsRoutes(exportOf('logs'), logsIntake));
  routes.http.push(...remoteWriteRoutes(exportOf('metrics')));

  const connections = new ReceiverConnections();
  const http: HttpServer = createHttpReceiver({
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    tokens,
    limits: config.receiverLimits,
    tls,
    routes: routes.http,
    metricsText: () => pipeline.metricsText() + (serviceGraph?.metricsText() ?? '') + (metrics?.metricsText() ?? '') + connections.metricsText(),
    health: () => pipeline.health(),
  });
  connections.track('otlp_http', http);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.httpPort, config.bindHost, () => resolve());
  });
  const httpPort = (http.address() as { port: number }).port;
  liveHub?.attach(http);
  const selfHost = ['0.0.0.0', '::', ''].includes(config.bindHost) ? '127.0.0.1' : config.bindHost.includes(':') ? `[${config.bindHost}]` : config.bindHost;
  selfAddress = `${selfHost}:${httpPort}`;
  startScraping();
  const grpcServer: grpc.Server = createGrpcReceiver({ maxBodyBytes: config.maxBodyBytes, routes: routes.grpc, tokens, limits: config.receiverLimits });
  const grpcCredentials = tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false) : undefined;
  const grpcListener = await bindGrpc(grpcServer, config.bindHost, config.grpcPort, config.receiverLimits, grpcCredentials);
  const grpcPort = grpcListener.port;
  connections.track('otlp_grpc', grpcListener.server);
  // Zipkin v1/v2 JSON and proto3 on their own port, into the same trace lane as OTLP.
  const zipkin: HttpServer = createZipkinReceiver({
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    tokens,
    limits: config.receiverLimits,
    tls,
    exportTraces: exportOf('traces'),
  });
  connections.track('zipkin', zipkin);
  await new Promise<void>((resolve, reject) => zipkin.once('error', reject).listen(config.zipkinPort, config.bindHost, () => resolve()));
  const zipkinPort = (zipkin.address() as { port: number }).port;
  const scheme = tls ? 'https' : 'http';
  log.info('collector listening', { otlpHttp: `${scheme}://${config.bindHost}:${httpPort}`, otlpGrpc: `${config.bindHost}:${grpcPort}${tls ? ' (TLS)' : ''}`, zipkin: `${scheme}://${config.bindHost}:${zipkinPort}` });
  const warning = openIngestWarning(config.bindHost, tokens.required);
  if (warning) log.warn(warning, { bindHost: config.bindHost });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopped = true;
      clearInterval(retentionTimer);
      logs.terms.stop();
      logTail?.stop();
      await liveHub?.close();
      // Stop taking new requests, let in-flight ones finish, then flush everything accepted.
      // Clients that keep a connection open (keep-alive, a gRPC channel) get a short grace, then
      // are cut: a stop must never wait on a peer (it did, on an exporter's idle gRPC channel).
      grpcListener.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          grpcServer.forceShutdown();
          resolve();
        }, STOP_GRACE_MS);
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await Promise.all([closeHttpServer(http, STOP_GRACE_MS), closeHttpServer(zipkin, STOP_GRACE_MS)]);
      await selfTracing.shutdown().catch(() => {});
      await preparing;
      await pipeline.stop(Date.now() + config.shutdownTimeoutMs, writing);
      await correlations.idle();
      if (writing) await serviceGraph?.stop();
      if (writing) await metrics?.stop();
      if (writing) await health.stop();
      await alerting.stop();
      if (writing) await storedTokens.stop();
      await db.close();
      await embedded?.close();
      log.info('collector stopped', { spansWritten: traces.stats.written });
    })());

  const crash = async () => {
    stopped = true;
    clearInterval(retentionTimer);
    logs.terms.stop();
    await pipeline.crash();
    grpcListener.close();
    grpcServer.forceShutdown();
    http.closeAllConnections();
    http.close();
    zipkin.closeAllConnections();
    zipkin.close();
    logTail?.stop();
    await liveHub?.close();
    await selfTracing.shutdown().catch(() => {});
    await alerting.stop();
    await storedTokens.stop().catch(() => {});
    if (writing) await serviceGraph?.stop().catch(() => {});
    if (writing) await metrics?.stop().catch(() => {});
    if (writing) await health.stop().catch(() => {});
    await db.close().catch(() => {});
    await embedded?.close();
  };

  const flushed = async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pipeline.flushed) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  };

  const s = traces.stats;
  const stats: SpanStatsView = {
    get spansAccepted() {
      return s.accepted;
    },
    get spansRejected() {
      return s.rejected;
    },
    get spansWritten() {
      return s.written;
    },
    get spansDroppedInvalid() {
      return s.droppedInvalid;
    },
  };
  return { httpPort, grpcPort, zipkinPort, databaseUrl, stats, pipeline, serviceGraph, health, flushed, stop, crash };
}

/** A lane's export(), traced as `otlp.export <signal>` (a sample of them, see self-tracing.ts). */
function tracedExport<Batch>(lane: SignalLane<Batch, unknown>, selfTracing: SelfTracing): (batch: Batch) => Promise<ExportResult> {
  const { name, unit } = lane.definition;
  return (batch) =>
    selfTracing.tracer.startActiveSpan(`otlp.export ${name}`, async (span) => {
      span.setAttribute(`meshlight.${unit}`, lane.definition.outcome(batch).accepted);
      try {
        const result = await lane.export(batch);
        if (result.rejected) span.setAttribute(`meshlight.rejected_${unit}`, result.rejected);
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
}

/** How long a stop lets in-flight requests finish before it cuts the connections left. */
const STOP_GRACE_MS = 3_000;

/** Stops listening, closes idle keep-alive connections at once and the rest after `graceMs`. */
async function closeHttpServer(server: { close(cb: () => void): unknown; closeIdleConnections(): void; closeAllConnections(): void }, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(force);
}
