import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStaleNaN } from '../types';
import { parsePrometheusText } from './parse-prometheus-text';
import { labelsKey, scrapeReportSeries, scrapeToBatch, staleMarkers, targetSampleLabels } from './scrape-semantics';

const TARGET = { job: 'api', instance: 'api-1:9100', env: 'prod' };
const T0 = 1_764_000_000_000;

test('without honor_labels the target wins and clashing exposed labels become exported_*', () => {
  assert.deepEqual(targetSampleLabels({ __name__: 'x', job: 'exposed', instance: 'i', exported_job: 'taken', a: '1' }, TARGET, false), {
    __name__: 'x',
    job: 'api',
    instance: 'api-1:9100',
    exported_instance: 'i',
    exported_exported_job: 'exposed',
    exported_job: 'taken',
    a: '1',
    env: 'prod',
  });
});

test('with honor_labels the exposed value wins; empty exposed values count as absent and are dropped', () => {
  assert.deepEqual(targetSampleLabels({ __name__: 'x', job: 'exposed', env: '' }, TARGET, true), {
    __name__: 'x',
    job: 'exposed',
    instance: 'api-1:9100',
    env: 'prod',
  });
  assert.deepEqual(targetSampleLabels({ __name__: 'x', empty: '' }, TARGET, false), { __name__: 'x', job: 'api', instance: 'api-1:9100', env: 'prod' });
});

test('label names that are Object.prototype members are plain labels', () => {
  const exposed = parsePrometheusText('x{constructor="c",__proto__="p"} 1', 'text/plain', T0).samples[0]!.labels;
  const labels = targetSampleLabels(exposed, { job: 'j', toString: 't' }, true);
  assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  assert.deepEqual(Object.keys(labels).sort(), ['__name__', '__proto__', 'constructor', 'job', 'toString']);
});

test('scrapeToBatch: scrape time for untimestamped samples, duplicates rejected, metadata kept, staleness tracking', () => {
  const parsed = parsePrometheusText('# TYPE up_total counter\nup_total 1\nold 5 1000\ndup 1\ndup 2\n', 'text/plain', T0);
  const { batch, tracked } = scrapeToBatch(parsed, { targetLabels: TARGET, honorLabels: false }, T0);
  assert.deepEqual(batch.series, [
    { labels: { __name__: 'up_total', ...TARGET }, samples: [{ t: T0, v: 1 }] },
    { labels: { __name__: 'old', ...TARGET }, samples: [{ t: 1000, v: 5 }] },
    { labels: { __name__: 'dup', ...TARGET }, samples: [{ t: T0, v: 1 }] },
  ]);
  assert.equal(batch.sampleCount, 3);
  assert.equal(batch.rejectedSamples, 1);
  assert.match(batch.rejectionMessage, /duplicate sample for series dup\{/);
  assert.deepEqual(batch.metadata, [{ metric: 'up_total', type: 'counter', help: '', unit: '' }]);
  // Explicitly timestamped series are not staleness-tracked (as Prometheus).
  assert.deepEqual([...tracked.values()].map((l) => l.__name__), ['up_total', 'dup']);

  const honoured = scrapeToBatch(parsed, { targetLabels: TARGET, honorLabels: false, honorTimestamps: false }, T0);
  assert.equal(honoured.batch.series[1]!.samples[0]!.t, T0);
});

test('staleMarkers: series gone since the previous scrape get one StaleNaN sample', () => {
  const a = { __name__: 'a', job: 'j' };
  const b = { __name__: 'b', job: 'j' };
  const previous = new Map([
    [labelsKey(a), a],
    [labelsKey(b), b],
  ]);
  const current = new Map([[labelsKey({ job: 'j', __name__: 'a' }), a]]);
  const stale = staleMarkers(previous, current, T0 + 15_000);
  assert.equal(stale.length, 1);
  assert.deepEqual(stale[0]!.labels, b);
  assert.equal(stale[0]!.samples[0]!.t, T0 + 15_000);
  assert.ok(isStaleNaN(stale[0]!.samples[0]!.v));
  assert.equal(staleMarkers(previous, new Map(), T0).length, 2, 'a failed scrape makes everything stale');
});

test('scrapeReportSeries: up and the scrape_* series with the target labels', () => {
  const series = scrapeReportSeries({ job: 'api', instance: 'h:1' }, { up: false, durationSeconds: 0.25, samplesScraped: 0, seriesAdded: 0 }, T0);
  assert.deepEqual(
    series.map((s) => [s.labels.__name__, s.labels.job, s.labels.instance, s.samples[0]!.v, s.samples[0]!.t]),
    [
      ['up', 'api', 'h:1', 0, T0],
      ['scrape_duration_seconds', 'api', 'h:1', 0.25, T0],
      ['scrape_samples_scraped', 'api', 'h:1', 0, T0],
      ['scrape_samples_post_metric_relabeling', 'api', 'h:1', 0, T0],
      ['scrape_series_added', 'api', 'h:1', 0, T0],
    ],
  );
});
