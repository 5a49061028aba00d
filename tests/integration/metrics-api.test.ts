// The metrics HTTP APIs on the real PostgreSQL, route handlers called directly: the Prometheus API
// (query, query_range, series, labels, label values, metadata, buildinfo, exemplars; GET and
// form-encoded POST; Prometheus's error shape) over samples written by the collector's MetricStore,
// and the scrape-target CRUD through Prisma.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GET as labelValuesGet } from '../../app/api/v1/label/[name]/values/route';
import { GET as labelsGet } from '../../app/api/v1/labels/route';
import { GET as metadataGet } from '../../app/api/v1/metadata/route';
import { GET as exemplarsGet } from '../../app/api/v1/query_exemplars/route';
import { GET as queryRangeGet } from '../../app/api/v1/query_range/route';
import { GET as queryGet, POST as queryPost } from '../../app/api/v1/query/route';
import { GET as seriesGet, POST as seriesPost } from '../../app/api/v1/series/route';
import { GET as buildinfoGet } from '../../app/api/v1/status/buildinfo/route';
import { DELETE as deleteTarget } from '../../app/api/scrape-targets/[id]/route';
import { GET as listTargets, POST as postTarget } from '../../app/api/scrape-targets/route';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { staleNaN, type SeriesSamples } from '../../lib/domain/metrics/types';
import { useQueryDatabase } from '../support/query-database';
import { ADMIN_URL } from '../support/scratch-database';

const T0 = Date.UTC(2026, 10, 28, 10); // samples every 15 s for 10 minutes from here
const sec = (ms: number) => ms / 1000;

useQueryDatabase('meshlight_metrics_api', async (client) => {
  // The collector's own executor on the same scratch database.
  const db = createPgExecutor(ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${client.database}$1`), 2);
  const store = new MetricStore(db, { maxSeriesPerMetric: 100, flushIntervalMs: 60_000, now: () => T0 });
  const series: SeriesSamples[] = [];
  for (const [job, instance] of [['api', 'a:1'], ['api', 'b:1'], ['web', 'c:1']] as const) {
    const samples = Array.from({ length: 40 }, (_, i) => ({ t: T0 + i * 15_000, v: i * (instance === 'b:1' ? 2 : 1) }));
    series.push({ labels: { __name__: 'http_requests_total', job, instance }, samples });
    series.push({ labels: { __name__: 'up', job, instance }, samples: samples.map((s) => ({ t: s.t, v: 1 })) });
  }
  // c:1's gauge goes stale half way.
  series.push({ labels: { __name__: 'temperature', instance: 'c:1' }, samples: [{ t: T0, v: 20 }, { t: T0 + 60_000, v: staleNaN() }] });
  store.append({
    series,
    metadata: [{ metric: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' }],
    sampleCount: 0,
    rejectedSamples: 0,
    rejectionMessage: '',
  });
  await store.flush();
  await db.close();
  await client.query(`INSERT INTO scrape_targets (source, job, target) VALUES ('config', 'fleet', 'x:9100')`);
});

const noContext = { params: Promise.resolve({}) } as never;
async function call(handler: (r: Request, c: never) => Promise<Response>, path: string, init?: RequestInit, context: unknown = noContext) {
  const response = await handler(new Request(`http://meshlight${path}`, init), context as never);
  return { status: response.status, body: response.status === 204 ? undefined : await response.json(), headers: response.headers };
}

describe('Prometheus HTTP API', () => {
  it('evaluates instant and range queries (GET and form POST)', async () => {
    const at = sec(T0 + 5 * 60_000);
    const instant = await call(queryGet, `/api/v1/query?query=${encodeURIComponent('http_requests_total{job="api"}')}&time=${at}`);
    assert.equal(instant.status, 200);
    assert.equal(instant.body.status, 'success');
    assert.equal(instant.body.data.resultType, 'vector');
    const byInstance = Object.fromEntries(instant.body.data.result.map((r: { metric: Record<string, string>; value: [number, string] }) => [r.metric.instance, r.value]));
    assert.deepEqual(byInstance, { 'a:1': [at, '20'], 'b:1': [at, '40'] });

    const posted = await call(queryPost, '/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'up', time: new Date(T0 + 60_000).toISOString() }).toString(),
    });
    assert.equal(posted.body.data.result.length, 3);

    const stale = await call(queryGet, `/api/v1/query?query=temperature&time=${sec(T0 + 120_000)}`);
    assert.deepEqual(stale.body.data.result, [], 'a staleness marker ends the series at once, not after 5 minutes');

    const range = await call(queryRangeGet, `/api/v1/query_range?query=${encodeURIComponent('http_requests_total{instance="a:1"}')}&start=${sec(T0)}&end=${sec(T0 + 60_000)}&step=30s`);
    assert.equal(range.body.data.resultType, 'matrix');
    assert.deepEqual(range.body.data.result[0].values, [[sec(T0), '0'], [sec(T0 + 30_000), '2'], [sec(T0 + 60_000), '4']]);
  });

  it('evaluates PromQL over the stored chunks', async () => {
    const at = sec(T0 + 9 * 60_000);
    const q = encodeURIComponent('sum by (job) (rate(http_requests_total[5m]))');
    const { body } = await call(queryGet, `/api/v1/query?query=${q}&time=${at}`);
    const byJob = Object.fromEntries(body.data.result.map((r: { metric: Record<string, string>; value: [number, string] }) => [r.metric.job, Number(r.value[1])]));
    // a:1 grows 1 per 15 s and b:1 2 per 15 s: 0.2/s together; c:1 1 per 15 s.
    assert.ok(Math.abs(byJob.api - 0.2) < 1e-9, String(byJob.api));
    assert.ok(Math.abs(byJob.web - 1 / 15) < 1e-9, String(byJob.web));
    const unsupported = await call(queryGet, `/api/v1/query?query=${encodeURIComponent('sum(')}`);
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body.errorType, 'bad_data');
  });

  it('answers bad requests with Prometheus error shapes', async () => {
    const cases: [Parameters<typeof call>[0], string, RegExp][] = [
      [queryGet, '/api/v1/query', /invalid parameter "query"/],
      [queryGet, '/api/v1/query?query=up{', /parse error/],
      [queryGet, '/api/v1/query?query=up&time=noon', /cannot parse "noon" to a valid timestamp/],
      [queryRangeGet, `/api/v1/query_range?query=up&start=${sec(T0)}&end=${sec(T0 + 1000)}&step=0`, /zero or negative query resolution step/],
      [queryRangeGet, `/api/v1/query_range?query=up&start=${sec(T0)}&end=${sec(T0 + 86_400_000)}&step=1`, /exceeded maximum resolution of 11,000 points/],
      [queryRangeGet, `/api/v1/query_range?query=up&start=${sec(T0 + 1000)}&end=${sec(T0)}&step=1`, /end timestamp must not be before start time/],
      [seriesGet, '/api/v1/series', /no match\[\] parameter provided/],
      [seriesGet, '/api/v1/series?match[]={job=""}', /at least one non-empty matcher/],
    ];
    for (const [handler, path, message] of cases) {
      const { status, body } = await call(handler, path);
      assert.equal(status, 400, path);
      assert.equal(body.status, 'error');
      assert.equal(body.errorType, 'bad_data');
      assert.match(body.error, message, path);
    }
  });

  it('lists series, label names, label values and metadata', async () => {
    const series = await call(seriesPost, '/api/v1/series', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'match[]=up{job="web"}&match[]=temperature',
    });
    assert.deepEqual(
      series.body.data.map((s: Record<string, string>) => `${s.__name__} ${s.instance}`).sort(),
      ['temperature c:1', 'up c:1'],
    );
    assert.deepEqual((await call(labelsGet, '/api/v1/labels')).body.data, ['__name__', 'instance', 'job']);
    assert.deepEqual((await call(labelsGet, '/api/v1/labels?match[]=temperature')).body.data, ['__name__', 'instance']);
    const names = await call(labelValuesGet, '/api/v1/label/__name__/values', undefined, { params: Promise.resolve({ name: '__name__' }) });
    assert.deepEqual(names.body.data, ['http_requests_total', 'temperature', 'up']);
    const jobs = await call(labelValuesGet, '/api/v1/label/job/values?match[]=up', undefined, { params: Promise.resolve({ name: 'job' }) });
    assert.deepEqual(jobs.body.data, ['api', 'web']);
    const bad = await call(labelValuesGet, '/api/v1/label/9x/values', undefined, { params: Promise.resolve({ name: '9x' }) });
    assert.equal(bad.status, 400);
    const metadata = await call(metadataGet, '/api/v1/metadata');
    assert.deepEqual(metadata.body.data, { http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] });
    const build = await call(buildinfoGet, '/api/v1/status/buildinfo');
    assert.equal(build.body.data.version, '2.42.0');
    assert.deepEqual((await call(exemplarsGet, '/api/v1/query_exemplars?query=up')).body, { status: 'success', data: [] });
  });
});

describe('scrape target API', () => {
  it('adds, lists and deletes runtime targets; refuses bad input and config targets', async () => {
    const json = { 'content-type': 'application/json' };
    const created = await call(postTarget, '/api/scrape-targets', { method: 'POST', headers: json, body: JSON.stringify({ job: 'node', target: 'localhost:9100', labels: { env: 'dev' } }) });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);

    const list = await call(listTargets, '/api/scrape-targets');
    const node = list.body.find((t: { id: string }) => t.id === created.body.id);
    assert.deepEqual(
      { ...node, lastScrape: undefined },
      { id: created.body.id, source: 'api', job: 'node', target: 'localhost:9100', scheme: 'http', metricsPath: '/metrics', format: 'prometheus', intervalSeconds: 15, labels: { env: 'dev' }, health: 'unknown', lastScrape: undefined, lastDurationMs: null, samples: null, refusedSeries: 0, lastError: null },
    );

    const duplicate = await call(postTarget, '/api/scrape-targets', { method: 'POST', headers: json, body: JSON.stringify({ job: 'node', target: 'localhost:9100' }) });
    assert.equal(duplicate.status, 409);
    for (const body of ['{', JSON.stringify({ job: 'x', target: 'http://localhost:9100/metrics' }), JSON.stringify({ target: 'a:1' }), JSON.stringify({ job: 'x', target: 'a:1', intervalSeconds: 0 })]) {
      const bad = await call(postTarget, '/api/scrape-targets', { method: 'POST', headers: json, body });
      assert.equal(bad.status, 400, body);
    }

    const configRow = list.body.find((t: { source: string }) => t.source === 'config');
    const refused = await call(deleteTarget, `/api/scrape-targets/${configRow.id}`, { method: 'DELETE' }, { params: Promise.resolve({ id: configRow.id }) });
    assert.equal(refused.status, 409);
    const removed = await call(deleteTarget, `/api/scrape-targets/${created.body.id}`, { method: 'DELETE' }, { params: Promise.resolve({ id: created.body.id }) });
    assert.equal(removed.status, 204);
    const again = await call(deleteTarget, `/api/scrape-targets/${created.body.id}`, { method: 'DELETE' }, { params: Promise.resolve({ id: created.body.id }) });
    assert.equal(again.status, 404);
  });
});
