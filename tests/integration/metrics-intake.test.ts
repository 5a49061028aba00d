// Metrics intake end to end on the real PostgreSQL: the real Prometheus 2.42 scrapes a target and
// remote-writes into the collector's POST /api/v1/write; the official OTLP metrics exporter (proto)
// sends to /v1/metrics. Both are read back through Meshlight's Prometheus API (/api/v1/query) with
// the values the senders had. Bad remote_write bodies get a 400 with a message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { GET as query } from '../../app/api/v1/query/route';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { disconnectDb } from '../../lib/db/prisma';
import { prometheusInstalled } from '../support/prometheus-remote-write-capture';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let database: ScratchDatabase;
let collector: Collector;

before(async () => {
  database = await createScratchDatabase();
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, { metrics: { ...defaults.metrics, flushIntervalMs: 300, scrapeSelf: false } });
  process.env.DATABASE_URL = collector.databaseUrl;
});

after(async () => {
  await disconnectDb();
  await collector.stop();
  await database.drop();
});

interface VectorResult {
  status: string;
  data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function instant(expr: string): Promise<VectorResult['data']['result']> {
  const response = await query(new Request(`http://meshlight/api/v1/query?query=${encodeURIComponent(expr)}`), {} as never);
  const body = (await response.json()) as VectorResult;
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data.result;
}

/** Polls a query until `accept` holds (bounded): samples become visible at the store's next flush. */
async function eventually(expr: string, accept: (r: VectorResult['data']['result']) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await instant(expr);
    if (accept(result)) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expr}: ${JSON.stringify(result)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('the real Prometheus remote-writes into Meshlight; the samples come back through /api/v1/query', { timeout: 120_000 }, async (t) => {
  if (!prometheusInstalled()) {
    t.skip('prometheus is not installed (apt-get install prometheus)');
    return;
  }
  let scrapes = 0;
  const target: Server = createServer((req, res) => {
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(['# TYPE checkout_orders_total counter', `checkout_orders_total{region="eu"} ${scrapes * 10}`, '# TYPE queue_depth gauge', 'queue_depth 42', ''].join('\n'));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetPort = (target.address() as AddressInfo).port;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-prom-rw-'));
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: shop`,
      `    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]`,
      'remote_write:',
      `  - url: http://127.0.0.1:${collector.httpPort}/api/v1/write`,
      '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }',
      '',
    ].join('\n'),
  );
  const prometheus: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0'],
    { stdio: 'ignore' },
  );
  try {
    const gauge = await eventually('queue_depth{job="shop"}', (r) => r.length === 1);
    assert.equal(gauge[0]!.value[1], '42');
    assert.equal(gauge[0]!.metric.instance, `127.0.0.1:${targetPort}`);
    const up = await eventually('up{job="shop"}', (r) => r.length === 1);
    assert.equal(up[0]!.value[1], '1');
    const counter = await eventually('checkout_orders_total{region="eu"}', (r) => r.length === 1 && Number(r[0]!.value[1]) >= 20);
    assert.equal(Number(counter[0]!.value[1]) % 10, 0, 'the scraped values, unchanged');
  } finally {
    prometheus.kill();
    await new Promise<void>((resolve) => target.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('remote_write: a body that is not snappy is a 400 with a message', async () => {
  const response = await fetch(`http://127.0.0.1:${collector.httpPort}/api/v1/write`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: Buffer.from('definitely not snappy'),
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /snappy|protobuf|invalid/i);
});

test('the official OTLP metrics exporter: a counter arrives as <name>_total with job and instance', { timeout: 60_000 }, async () => {
  const exporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/metrics` });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing', 'service.namespace': 'shop', 'service.instance.id': 'billing-1' }),
    readers: [reader],
  });
  const counter = provider.getMeter('meshlight-test').createCounter('invoices.issued', { description: 'invoices issued' });
  counter.add(7, { currency: 'EUR' });
  await reader.forceFlush();
  await provider.shutdown();
  const result = await eventually('invoices_issued_total', (r) => r.length === 1);
  assert.equal(result[0]!.value[1], '7');
  assert.deepEqual(
    { job: result[0]!.metric.job, instance: result[0]!.metric.instance, currency: result[0]!.metric.currency },
    { job: 'shop/billing', instance: 'billing-1', currency: 'EUR' },
  );
});
