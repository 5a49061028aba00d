// The fault test of issue 14: the official OpenTelemetry exporters (traces, metrics and logs, OTLP
// HTTP/protobuf) send at a steady rate to a real collector process while its PostgreSQL is stopped
// with `pg_ctl -m immediate` for 30 s and started again, then the collector is killed with SIGKILL
// twice during ingest and restarted on the same data directory. Afterwards every span, sample and
// log record whose export was acknowledged is stored, and none is stored twice.
//
// A throw-away cluster of its own (tests/support/postgres-cluster.ts, fsync on), so stopping it
// harms no other test. The exporters retry what was refused (503) or cut (connection reset) as the
// SDK does; a request the collector logged but whose 200 the kill swallowed is sent again by the
// exporter, which is the client's at-least-once, so such a batch may be stored twice: the test
// counts them (at most the requests in flight at the two kills) and prints them.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { SpanKind } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ValueType } from '@opentelemetry/api';
import { PgSeriesQueryable, poolRowQuery } from '../../lib/db/metrics/pg-series-queryable';
import { spawnCollectorProcess } from '../support/collector-process';
import { clusterUnavailable, startPrimary, type Cluster } from '../support/postgres-cluster';
import { freePort } from '../support/ui-server';

const unavailable = clusterUnavailable();
const SERVICE = 'fault-test';
const SPANS_PER_EXPORT = 20;
const LOGS_PER_EXPORT = 20;
const SERIES = 10;

let cluster: Cluster | undefined;
let dataDir: string | undefined;

before(async () => {
  if (unavailable) return;
  cluster = await startPrimary({ fsync: true });
  const admin = new pg.Client(cluster.url());
  await admin.connect();
  await admin.query('CREATE DATABASE meshlight');
  await admin.end();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-fault-'));
});

after(() => {
  cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ports {
  http: number;
}

/** A collector process (collector/main.ts) on fixed ports and data directory, as `npm start` runs it. */
async function startCollector(databaseUrl: string, ports: Ports): Promise<ChildProcess> {
  const { child } = await spawnCollectorProcess(
    {
      DATABASE_URL: databaseUrl,
      MESHLIGHT_DATA_DIR: dataDir!,
      MESHLIGHT_OTLP_HTTP_PORT: String(ports.http),
      MESHLIGHT_OTLP_GRPC_PORT: '0',
      MESHLIGHT_ZIPKIN_PORT: '0',
      MESHLIGHT_SCRAPE_SELF: 'off',
      MESHLIGHT_METRICS_FLUSH_MS: '2000',
      MESHLIGHT_WAL: 'on',
      MESHLIGHT_WAL_FSYNC: 'batch',
    },
    'inherit',
  );
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

const resource = resourceFromAttributes({ 'service.name': SERVICE });

function makeSpans(n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('fault-test');
  for (let i = 0; i < n; i++) tracer.startSpan(`op-${i % 5}`, { kind: SpanKind.SERVER }).end();
  return memory.getFinishedSpans();
}

function makeLogs(n: number, firstSeq: number): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('fault-test');
  for (let i = 0; i < n; i++) logger.emit({ body: `record ${firstSeq + i}`, severityText: 'INFO', severityNumber: 9, attributes: { seq: String(firstSeq + i) } });
  return memory.getFinishedLogRecords();
}

/** One gauge sample per series at `timeMs`: SERIES samples, told apart by their `series` label. */
function makeMetrics(timeMs: number): ResourceMetrics {
  const time: [number, number] = [Math.floor(timeMs / 1000), (timeMs % 1000) * 1e6];
  return {
    resource,
    scopeMetrics: [
      {
        scope: { name: 'fault-test' },
        metrics: [
          {
            descriptor: { name: 'fault_test_gauge', description: '', unit: '', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: Array.from({ length: SERIES }, (_, i) => ({ startTime: time, endTime: time, attributes: { series: String(i) }, value: timeMs % 1000 })),
          },
        ],
      },
    ],
  };
}

interface Tally {
  sent: number;
  acked: number;
  failed: number;
}

const exportOnce = <T>(exporter: { export(items: T, done: (result: { code: number }) => void): void }, items: T) =>
  new Promise<boolean>((resolve) => exporter.export(items, (result) => resolve(result.code === 0)));

test('database stopped -m immediate for 30 s, collector killed -9 twice: every acknowledged span, sample and log record stored once', { skip: unavailable }, async () => {
  const url = cluster!.url('meshlight');
  const ports = { http: await freePort() };
  const base = `http://127.0.0.1:${ports.http}`;
  const traces = new OTLPTraceExporter({ url: `${base}/v1/traces`, timeoutMillis: 30_000 });
  const metrics = new OTLPMetricExporter({ url: `${base}/v1/metrics`, timeoutMillis: 30_000 });
  const logs = new OTLPLogExporter({ url: `${base}/v1/logs`, timeoutMillis: 30_000 });
  const tally = { spans: { sent: 0, acked: 0, failed: 0 }, samples: { sent: 0, acked: 0, failed: 0 }, logs: { sent: 0, acked: 0, failed: 0 } } satisfies Record<string, Tally>;
  const ackedSampleTimes: number[] = [];
  let collector = await startCollector(url, ports);
  let running = true;
  let logSeq = 0;
  // Steady senders, one per signal, each waiting for its export (and the exporter's own retries)
  // before the next: what an SDK's batch processor does.
  const every = async (periodMs: number, send: () => Promise<void>) => {
    while (running) {
      const started = Date.now();
      await send();
      await sleep(Math.max(0, periodMs - (Date.now() - started)));
    }
  };
  const senders = Promise.all([
    every(50, async () => {
      tally.spans.sent += SPANS_PER_EXPORT;
      if (await exportOnce(traces, makeSpans(SPANS_PER_EXPORT))) tally.spans.acked += SPANS_PER_EXPORT;
      else tally.spans.failed += SPANS_PER_EXPORT;
    }),
    every(100, async () => {
      const first = logSeq;
      logSeq += LOGS_PER_EXPORT;
      tally.logs.sent += LOGS_PER_EXPORT;
      if (await exportOnce(logs, makeLogs(LOGS_PER_EXPORT, first))) tally.logs.acked += LOGS_PER_EXPORT;
      else tally.logs.failed += LOGS_PER_EXPORT;
    }),
    every(100, async () => {
      const timeMs = Date.now();
      tally.samples.sent += SERIES;
      if (await exportOnce(metrics, makeMetrics(timeMs))) {
        tally.samples.acked += SERIES;
        ackedSampleTimes.push(timeMs);
      } else tally.samples.failed += SERIES;
    }),
  ]);
  const t0 = Date.now();
  const log = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${what}  spans ${tally.spans.acked}, samples ${tally.samples.acked}, logs ${tally.logs.acked} acknowledged`);
  try {
    await sleep(5_000);
    log('stopping PostgreSQL -m immediate');
    cluster!.crash();
    await sleep(30_000);
    log('starting PostgreSQL');
    cluster!.restart();
    await sleep(5_000);
    for (const round of [1, 2]) {
      log(`kill -9 of the collector (${round})`);
      await kill(collector, 'SIGKILL');
      await sleep(1_000);
      collector = await startCollector(url, ports);
      log('collector restarted');
      await sleep(5_000);
    }
  } finally {
    running = false;
    await senders;
  }
  log('senders stopped');

  const db = new pg.Pool({ connectionString: url, max: 2 });
  const counts = async () => {
    const spans = await db.query<{ rows: string; distinct: string }>(
      'SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct FROM spans WHERE service_name = $1',
      [SERVICE],
    );
    const records = await db.query<{ rows: string; distinct: string }>(
      "SELECT count(*) AS rows, count(DISTINCT attributes->>'seq') AS distinct FROM logs WHERE service_name = $1",
      [SERVICE],
    );
    const series = await new PgSeriesQueryable(poolRowQuery(db)).select([{ type: '=', name: '__name__', value: 'fault_test_gauge' }], t0 - 60_000, Date.now() + 60_000);
    const times = new Set<number>();
    let samples = 0;
    for (const s of series) {
      for (const sample of s.samples) {
        samples++;
        times.add(sample.t);
      }
    }
    return {
      spans: { rows: Number(spans.rows[0]!.rows), distinct: Number(spans.rows[0]!.distinct) },
      logs: { rows: Number(records.rows[0]!.rows), distinct: Number(records.rows[0]!.distinct) },
      samples,
      sampleTimes: times,
    };
  };
  try {
    // Drained: the logs replayed and written, the metric head flushed.
    let now = await counts();
    for (let i = 0; i < 120 && (now.spans.distinct < tally.spans.acked || now.logs.distinct < tally.logs.acked || now.samples < tally.samples.acked); i++) {
      await sleep(500);
      now = await counts();
    }
    const own = await (await fetch(`${base}/metrics`)).text();
    console.log(`last collector: ${/^meshlight_metric_samples_out_of_order_total \S+/m.exec(own)?.[0] ?? 'no out-of-order counter'}`);
    await kill(collector, 'SIGTERM');
    now = await counts();
    console.log(
      `spans: sent ${tally.spans.sent}, acknowledged ${tally.spans.acked}, stored ${now.spans.rows} (${now.spans.distinct} distinct)\n` +
        `samples: sent ${tally.samples.sent}, acknowledged ${tally.samples.acked}, stored ${now.samples}\n` +
        `logs: sent ${tally.logs.sent}, acknowledged ${tally.logs.acked}, stored ${now.logs.rows} (${now.logs.distinct} distinct)`,
    );
    assert.ok(tally.spans.acked > 0 && tally.samples.acked > 0 && tally.logs.acked > 0);
    assert.ok(now.spans.distinct >= tally.spans.acked, 'every acknowledged span is stored');
    assert.ok(now.logs.distinct >= tally.logs.acked, 'every acknowledged log record is stored');
    const missing = ackedSampleTimes.filter((t) => !now.sampleTimes.has(t));
    assert.deepEqual(missing, [], 'every acknowledged sample is stored');
    assert.equal(now.samples, now.sampleTimes.size * SERIES, 'each sample once, in each series');
    // Re-sent by the exporter after a kill swallowed the 200: at most the requests in flight.
    assert.ok(now.spans.rows - now.spans.distinct <= 2 * SPANS_PER_EXPORT, 'no span stored twice beyond a re-sent in-flight request');
    assert.ok(now.logs.rows - now.logs.distinct <= 2 * LOGS_PER_EXPORT, 'no log record stored twice beyond a re-sent in-flight request');
    console.log(`stored twice (re-sent after a kill): ${now.spans.rows - now.spans.distinct} spans, ${now.logs.rows - now.logs.distinct} log records`);
  } finally {
    await kill(collector, 'SIGKILL');
    await db.end();
    await Promise.all([traces.shutdown(), metrics.shutdown(), logs.shutdown()]);
  }
});
