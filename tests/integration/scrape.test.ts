// Scraping a real prom-client /metrics server into the real PostgreSQL: target labels, up and the
// scrape_* series, metadata, staleness markers for series that disappear and for a target that
// goes down, file_sd targets re-read on change, and the outcome written to scrape_targets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import client from 'prom-client';
import { parseExposition, SCRAPE_ACCEPT } from '../../collector/scrape/exposition';
import { ScrapeManager } from '../../collector/scrape/scrape-manager';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { parseScrapeConfig } from '../../lib/contracts/scrape-config';
import { PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import { isStaleNaN, type LabelMatcher } from '../../lib/domain/metrics/types';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { freePort } from '../support/ui-server';

const quiet = { info() {}, warn() {}, error() {} };
const eq = (name: string, value: string): LabelMatcher => ({ name, type: '=', value });

describe('scraping a prom-client target', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;
  let server: http.Server;
  let port: number;
  let dir: string;
  const registry = new client.Registry();
  const requests = new client.Counter({ name: 'demo_requests_total', help: 'Requests handled.', labelNames: ['route'], registers: [registry] });
  const temperature = new client.Gauge({ name: 'demo_temperature_celsius', help: 'A gauge that goes away.', registers: [registry] });
  new client.Histogram({ name: 'demo_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [registry] }).observe(0.5);

  before(async () => {
    scratch = await createScratchDatabase('meshlight_scrape');
    await migrateDatabase(scratch.url);
    db = createPgExecutor(scratch.url, 2);
    server = http.createServer(async (req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-file-sd-'));
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.close();
    await scratch?.drop();
  });

  it('stores the samples with target labels, marks staleness and reports health', async () => {
    requests.inc({ route: '/a' }, 3);
    temperature.set(21.5);
    // A file_sd target nothing listens on.
    const closed = `127.0.0.1:${await freePort()}`;
    writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify([{ targets: [closed], labels: { team: 'payments' } }]));
    const jobs = parseScrapeConfig(`
global: { scrape_interval: 15s }
scrape_configs:
  - job_name: app
    static_configs: [{ targets: ['127.0.0.1:${port}'], labels: { env: test } }]
  - job_name: fleet
    file_sd_configs: [{ files: ['*.json'] }]
`);
    let clock = Date.UTC(2026, 10, 28, 12);
    const store = new MetricStore(db, { maxSeriesPerMetric: 10_000, flushIntervalMs: 60_000, now: () => clock });
    await store.init();
    const manager = new ScrapeManager({ db, sink: store, parser: parseExposition, accept: SCRAPE_ACCEPT, jobs, configDir: dir, reloadIntervalMs: 60_000, log: quiet, now: () => clock });
    await manager.reconcile();
    assert.deepEqual(manager.targets.map((t) => `${t.job} ${t.address}`).sort(), [`app 127.0.0.1:${port}`, `fleet ${closed}`]);

    const first = await manager.scrapeAll();
    assert.deepEqual(first.map((r) => r.health).sort(), ['down', 'up']);
    await store.flush();
    const q = new PgSeriesQueryable(db);
    const t1 = clock;
    const up = await q.select([eq('__name__', 'up')], t1, t1);
    assert.deepEqual(
      up.map((s) => [s.labels.job, s.labels.instance, s.samples[0]!.v]).sort(),
      [['app', `127.0.0.1:${port}`, 1], ['fleet', closed, 0]],
    );
    const counter = await q.select([eq('__name__', 'demo_requests_total'), eq('route', '/a')], t1, t1);
    assert.deepEqual(counter.map((s) => ({ ...s.labels })), [{ __name__: 'demo_requests_total', route: '/a', job: 'app', instance: `127.0.0.1:${port}`, env: 'test' }]);
    assert.equal(counter[0]!.samples[0]!.v, 3);
    assert.equal((await q.select([eq('__name__', 'demo_latency_seconds_bucket'), eq('le', '+Inf')], t1, t1))[0]!.samples[0]!.v, 1);
    const scraped = await q.select([eq('__name__', 'scrape_samples_scraped'), eq('job', 'app')], t1, t1);
    assert.ok(scraped[0]!.samples[0]!.v > 5);

    const rows = await db.query<{ job: string; health: string; samples: number | null; last_error: string | null; source: string }>(
      'SELECT job, health, samples, last_error, source FROM scrape_targets ORDER BY job',
    );
    assert.deepEqual(rows.map((r) => [r.job, r.health, r.source]), [['app', 'up', 'config'], ['fleet', 'down', 'file_sd']]);
    assert.ok(rows[0]!.samples! > 5);
    assert.match(rows[1]!.last_error ?? '', /ECONNREFUSED/);
    const meta = await db.query<{ type: string; help: string }>("SELECT type, help FROM metric_metadata WHERE metric = 'demo_requests_total'");
    assert.deepEqual(meta.map((m) => ({ ...m })), [{ type: 'counter', help: 'Requests handled.' }]);

    // The gauge disappears from the target: its series gets a staleness marker at the next scrape.
    registry.removeSingleMetric('demo_temperature_celsius');
    clock += 15_000;
    await manager.scrapeAll();
    await store.flush();
    const gauge = await q.select([eq('__name__', 'demo_temperature_celsius')], t1, clock);
    assert.deepEqual(gauge[0]!.samples.map((s) => s.v === 21.5 || isStaleNaN(s.v)), [true, true]);
    assert.ok(isStaleNaN(gauge[0]!.samples[1]!.v));

    // The target goes down: up = 0 and every series it had gets a staleness marker.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clock += 15_000;
    await manager.scrapeAll();
    await store.flush();
    const afterDown = await q.select([eq('__name__', 'demo_requests_total')], clock, clock);
    assert.ok(isStaleNaN(afterDown[0]!.samples[0]!.v));
    const upNow = await q.select([eq('__name__', 'up'), eq('job', 'app')], clock, clock);
    assert.equal(upNow[0]!.samples[0]!.v, 0);
    const appRow = await db.query<{ health: string; last_error: string }>("SELECT health, last_error FROM scrape_targets WHERE job = 'app'");
    assert.equal(appRow[0]!.health, 'down');

    // file_sd: the file changes, the target list follows and the old row goes.
    writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify([{ targets: ['127.0.0.1:2'] }]));
    await manager.reconcile();
    const fleet = await db.query<{ target: string }>("SELECT target FROM scrape_targets WHERE job = 'fleet'");
    assert.deepEqual(fleet.map((r) => r.target), ['127.0.0.1:2']);
    await manager.stop();
    await store.flush();
  });
});
