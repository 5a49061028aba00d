// MetricStore.append without a database: the series lookup through the decoder's handles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRemoteWrite } from '../receivers/prometheus/decode-remote-write';
import { remoteWriteBody } from '../../tests/fixtures/prometheus/write-request-builder';
import { MetricStore } from './metric-store';
import { ColumnSeries, plainSeries } from '../../lib/domain/metrics/column-series';
import type { SqlExecutor } from './sql-executor';

const noDatabase = {} as SqlExecutor;

test('a decoded series is found through its handle in each store, and by labels as before', () => {
  const body = (t: number) =>
    remoteWriteBody([
      { labels: [['__name__', 'up'], ['job', 'a']], samples: [{ t, v: 1 }] },
      { labels: [['__name__', 'up'], ['empty', ''], ['job', 'b']], samples: [{ t, v: 2 }] },
    ]);
  const one = new MetricStore(noDatabase, { maxSeriesPerMetric: 10, flushIntervalMs: 1000 });
  const two = new MetricStore(noDatabase, { maxSeriesPerMetric: 10, flushIntervalMs: 1000 });
  for (const t of [1, 2, 3]) {
    const batch = decodeRemoteWrite(body(t));
    // Both stores see the same handles: each keeps its own series.
    assert.deepEqual(one.append(batch), { appended: 2, outOfOrder: 0, refusedSeries: 0, refusedSamples: 0 });
    assert.deepEqual(two.append(batch), { appended: 2, outOfOrder: 0, refusedSeries: 0, refusedSamples: 0 });
  }
  // The same series without handles (e.g. OTLP or a replayed JSON record): the same entries.
  const plain = decodeRemoteWrite(body(4));
  assert.deepEqual(one.append({ ...plain, series: plain.series.map(plainSeries) }), { appended: 2, outOfOrder: 0, refusedSeries: 0, refusedSamples: 0 });
  assert.equal(one.lastTimestamp({ __name__: 'up', job: 'b' }), 4);
  assert.equal(one.metricsText().match(/meshlight_metric_head_series (\d+)/)![1], '2');
  assert.equal(two.lastTimestamp({ __name__: 'up', job: 'a' }), 3);
});

test('series given as columns (ColumnSeries) append what the same samples as objects append, without building them', () => {
  const times = new Float64Array([0, 10, 20, 30, 25, 40]);
  const values = new Float64Array([9, 1, 2, 3, 4, NaN]);
  const columnar = new ColumnSeries({ __name__: 'c', job: 'j' }, times, values, 1, 4);
  const other = new ColumnSeries({ __name__: 'c', job: 'k' }, times, values, 5, 1);
  const empty = new ColumnSeries({ __name__: 'c', job: 'e' }, times, values, 5, 0);
  const batch = { series: [columnar, other, empty], metadata: [], sampleCount: 5, rejectedSamples: 0, rejectionMessage: '' };
  const viaColumns = new MetricStore(noDatabase, { maxSeriesPerMetric: 10, flushIntervalMs: 1000 });
  const viaObjects = new MetricStore(noDatabase, { maxSeriesPerMetric: 10, flushIntervalMs: 1000 });
  const result = viaColumns.append(batch);
  assert.ok(columnar.columnar && other.columnar && empty.columnar);
  assert.deepEqual(result, { appended: 4, outOfOrder: 1, refusedSeries: 0, refusedSamples: 0 });
  assert.deepEqual(viaObjects.append({ ...batch, series: batch.series.map(plainSeries) }), result);
  assert.deepEqual(columnar.samples, [{ t: 10, v: 1 }, { t: 20, v: 2 }, { t: 30, v: 3 }, { t: 25, v: 4 }]);
  assert.ok(!columnar.columnar);
  for (const store of [viaColumns, viaObjects]) {
    assert.equal(store.lastTimestamp({ __name__: 'c', job: 'j' }), 30);
    assert.equal(store.lastTimestamp({ __name__: 'c', job: 'k' }), 40);
    assert.equal(store.lastTimestamp({ __name__: 'c', job: 'e' }), undefined);
  }
  // Refused by the cardinality limit: counted the same way.
  const small = new MetricStore(noDatabase, { maxSeriesPerMetric: 1, flushIntervalMs: 1000 });
  const fresh = [new ColumnSeries({ __name__: 'd', job: 'a' }, times, values, 1, 2), new ColumnSeries({ __name__: 'd', job: 'b' }, times, values, 1, 3)];
  assert.deepEqual(small.append({ ...batch, series: fresh }), { appended: 2, outOfOrder: 0, refusedSeries: 1, refusedSamples: 3 });
});
