// MetricStore.append without a database: the series lookup through the decoder's handles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRemoteWrite } from '../receivers/prometheus/decode-remote-write';
import { remoteWriteBody } from '../../tests/fixtures/prometheus/write-request-builder';
import { MetricStore } from './metric-store';
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
  assert.deepEqual(one.append({ ...plain, series: plain.series.map((s) => ({ ...s })) }), { appended: 2, outOfOrder: 0, refusedSeries: 0, refusedSamples: 0 });
  assert.equal(one.lastTimestamp({ __name__: 'up', job: 'b' }), 4);
  assert.equal(one.metricsText().match(/meshlight_metric_head_series (\d+)/)![1], '2');
  assert.equal(two.lastTimestamp({ __name__: 'up', job: 'a' }), 3);
});
