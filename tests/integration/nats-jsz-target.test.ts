// A NATS monitoring endpoint as a scrape target: registered through POST /api/scrape-targets with
// `"format": "nats-jsz"`, scraped by the collector's own scrape loop (`/jsz?consumers=true`), its
// JetStream consumer backlog reaches the lag monitor and /api/lag; the target's health, and `up` /
// `scrape_duration_seconds`, are recorded like any other target's. Real nats-server, real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect as natsConnect, AckPolicy, type NatsConnection } from 'nats';
import { parseExposition, SCRAPE_ACCEPT } from '../../collector/scrape/exposition';
import { ScrapeLoop } from '../../collector/scrape/scrape-loop';
import type { MetricBatch } from '../../lib/domain/metrics/types';
import { GET as getLag } from '../../app/api/lag/route';
import { GET as listTargets, POST as postTarget } from '../../app/api/scrape-targets/route';
import type { LagGroupResponse } from '../../lib/contracts/health-api';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import type { ScrapeTargetView } from '../../lib/contracts/scrape-config';
import { disconnectDb } from '../../lib/db/prisma';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { freePort } from '../support/ui-server';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let database: ScratchDatabase;
let collector: Collector;
let server: ChildProcess | undefined;
let nc: NatsConnection | undefined;
const store = mkdtempSync(path.join(os.tmpdir(), 'meshlight-nats-jsz-'));

before(async () => {
  database = await createScratchDatabase();
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, { metrics: { ...defaults.metrics, scrapeSelf: false, scrapeReloadMs: 300 } });
  process.env.DATABASE_URL = collector.databaseUrl;
});

after(async () => {
  await nc?.close().catch(() => {});
  server?.kill();
  await disconnectDb();
  await collector.stop();
  await database.drop();
  rmSync(store, { recursive: true, force: true });
});

async function call<T>(handler: (r: Request, c: never) => Promise<Response>, url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await handler(new Request(`http://meshlight${url}`, init), { params: Promise.resolve({}) } as never);
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls `probe` until it returns a value (bounded): the scrape loop runs on its own interval. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('POST /api/scrape-targets refuses an unknown format with a 400', async () => {
  const bad = await call<{ error: string }>(postTarget, '/api/scrape-targets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job: 'nats', target: '127.0.0.1:8222', format: 'statsd' }),
  });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /format/);
});

test('a nats-jsz scrape target feeds a real JetStream consumer backlog to /api/lag', { timeout: 60_000 }, async () => {
  const [port, monitor] = [await freePort(), await freePort()];
  server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-sd', store], { stdio: 'ignore' });
  nc = await eventually(() => natsConnect({ servers: `127.0.0.1:${port}` }).catch(() => undefined), 'nats-server');
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'SHIPMENTS', subjects: ['shipments.>'] });
  const js = nc.jetstream();
  for (let i = 0; i < 25; i++) await js.publish('shipments.created', new TextEncoder().encode(`s${i}`));
  await jsm.consumers.add('SHIPMENTS', { durable_name: 'shipper', ack_policy: AckPolicy.Explicit });

  const created = await call<{ id: string }>(postTarget, '/api/scrape-targets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job: 'nats-east', target: `127.0.0.1:${monitor}`, format: 'nats-jsz', intervalSeconds: 1 }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const lagOf = async () => (await call<LagGroupResponse[]>(getLag, '/api/lag')).body.find((g) => g.system === 'nats' && g.group === 'shipper');
  const built = await eventually(async () => {
    await collector.health.flush();
    const g = await lagOf();
    return g && g.lag === 25 ? g : undefined;
  }, 'the backlog in /api/lag');
  assert.deepEqual({ cluster: built.cluster, destination: built.destination }, { cluster: 'nats-east', destination: 'SHIPMENTS' });

  const target = await eventually(async () => {
    const row = (await call<ScrapeTargetView[]>(listTargets, '/api/scrape-targets')).body.find((t) => t.id === created.body.id);
    return row?.health === 'up' ? row : undefined;
  }, 'the target reported up');
  assert.deepEqual({ format: target.format, metricsPath: target.metricsPath, lastError: target.lastError }, { format: 'nats-jsz', metricsPath: '/jsz', lastError: null });
  assert.ok(target.lastDurationMs !== null && target.lastDurationMs >= 0);

  // The loop writes the report series like any target's (a loop of our own, to see its batch).
  const batches: MetricBatch[] = [];
  const observed: string[] = [];
  const loop = new ScrapeLoop(
    { source: 'api', job: 'nats-east', address: `127.0.0.1:${monitor}`, scheme: 'http', metricsPath: '/jsz', params: { consumers: ['true'] }, intervalMs: 1000, timeoutMs: 1000, honorLabels: false, honorTimestamps: true, labels: { job: 'nats-east', instance: `127.0.0.1:${monitor}` }, format: 'nats-jsz' },
    { sink: { append: (b) => void batches.push(b) }, parser: parseExposition, accept: SCRAPE_ACCEPT, now: Date.now, fetch, onReport: () => {}, observer: { observeSamples: () => {}, observeJsz: (_body, _t, cluster) => void observed.push(cluster) } },
  );
  const report = await loop.scrapeOnce();
  assert.equal(report.health, 'up', report.error);
  assert.deepEqual(observed, ['nats-east']);
  const names = batches.flatMap((b) => b.series.map((s) => `${s.labels.__name__}=${s.samples[0]!.v}`));
  assert.ok(names.includes('up=1'), names.join(', '));
  assert.ok(names.some((n) => n.startsWith('scrape_duration_seconds=')), names.join(', '));

  // Drain the consumer: the next scrapes see the lag fall to 0.
  const consumer = await js.consumers.get('SHIPMENTS', 'shipper');
  const batch = await consumer.fetch({ max_messages: 25, expires: 2000 });
  for await (const m of batch) m.ack();
  await nc.flush();
  const drained = await eventually(async () => {
    await collector.health.flush();
    const g = await lagOf();
    return g && g.lag === 0 ? g : undefined;
  }, 'the drained consumer in /api/lag');
  assert.equal(drained.status, 'OK');

  // A monitoring endpoint that is gone: the target goes down with the reason.
  server.kill();
  const down = await eventually(async () => {
    const row = (await call<ScrapeTargetView[]>(listTargets, '/api/scrape-targets')).body.find((t) => t.id === created.body.id);
    return row?.health === 'down' ? row : undefined;
  }, 'the target reported down');
  assert.match(down.lastError ?? '', /fetch failed|ECONNREFUSED/);
});
