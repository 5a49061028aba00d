import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compressSync } from 'snappy';
import { PermanentError } from '../../pipeline/errors';
import { INTERNAL_ERROR_PREFIX } from '../otlp/malformed';
import { parsePrometheusText } from '../../../lib/domain/metrics/exposition/parse-prometheus-text';
import { scrapeToBatch } from '../../../lib/domain/metrics/exposition/scrape-semantics';
import { plainSeries } from '../../../lib/domain/metrics/column-series';
import { isStaleNaN, type MetricBatch } from '../../../lib/domain/metrics/types';
import { FIXTURE_EXPOSITION, OPENMETRICS_CONTENT_TYPE } from '../../../tests/fixtures/prometheus/remote-write-fixture';
import { remoteWriteBody, writeRequestBytes, type WriteSeries } from '../../../tests/fixtures/prometheus/write-request-builder';
import { fuzzRuns, mutateBytes, random } from '../../../tests/support/fuzz';
import { arrivalKey } from '../../store/metric-store';
import { decodeRemoteWrite, decodeWriteRequest } from './decode-remote-write';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../tests/fixtures/prometheus/${name}`, import.meta.url));

function decodeOrMalformed(body: Uint8Array): MetricBatch | PermanentError {
  try {
    return decodeRemoteWrite(body);
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

function refused(series: WriteSeries[], pattern: RegExp): void {
  const result = decodeOrMalformed(remoteWriteBody(series));
  assert.ok(result instanceof PermanentError, `expected a refusal matching ${pattern}`);
  assert.match(result.message, pattern);
}

test('golden: a body the real Prometheus 2.42 remote-wrote after scraping FIXTURE_EXPOSITION', () => {
  const batch = decodeRemoteWrite(fixture('remote-write-prometheus-2.42-samples.bin'));
  assert.equal(batch.sampleCount, 13);
  assert.equal(batch.rejectedSamples, 0);
  const instance = batch.series[0]!.labels.instance!;
  const t = batch.series[0]!.samples[0]!.t;
  assert.deepEqual(plainSeries(batch.series[2]!), {
    labels: { __name__: 'fixture_temperature_celsius', env: 'test', instance, job: 'fixture', room: 'lab "A"' },
    samples: [{ t, v: -4.5 }],
  });
  assert.deepEqual(
    batch.series.slice(8).map((s) => s.labels.__name__),
    ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'],
  );

  // Our scrape semantics give the same series Prometheus made from the same exposition.
  const ours = scrapeToBatch(parsePrometheusText(FIXTURE_EXPOSITION, 'text/plain; version=0.0.4', t), { targetLabels: { job: 'fixture', instance, env: 'test' }, honorLabels: false }, t);
  assert.deepEqual(ours.batch.series, batch.series.slice(0, 8).map(plainSeries));
});

test('golden: Prometheus 2.42 scraping OpenMetrics (counters with _created and exemplars, info, stateset, gaugehistogram, summary) stores what our parser and scrape semantics produce', () => {
  const batch = decodeRemoteWrite(fixture('remote-write-prometheus-2.42-openmetrics.bin'));
  const scraped = batch.series.filter((s) => !['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'].includes(s.labels.__name__!));
  assert.equal(scraped.length, 20);
  const instance = scraped[0]!.labels.instance!;
  const t = scraped[0]!.samples[0]!.t;
  const text = readFileSync(new URL('../../../tests/fixtures/prometheus/openmetrics-parity.txt', import.meta.url), 'utf8');
  const ours = scrapeToBatch(parsePrometheusText(text, OPENMETRICS_CONTENT_TYPE, t), { targetLabels: { job: 'fixture', instance, env: 'test' }, honorLabels: false }, t);
  assert.deepStrictEqual(ours.batch.series, scraped.map(plainSeries));
});

test('golden: a staleness marker Prometheus 2.42 wrote keeps its exact NaN bits', () => {
  const batch = decodeRemoteWrite(fixture('remote-write-prometheus-2.42-stale.bin'));
  const stale = batch.series.filter((s) => s.samples.some((x) => isStaleNaN(x.v)));
  assert.deepEqual(stale.map((s) => s.labels.__name__), ['gone']);
  assert.ok(!batch.series.some((s) => s.samples.some((x) => Number.isNaN(x.v) && !isStaleNaN(x.v))));
});

test('golden: the metadata-only body Prometheus sends beside the samples', () => {
  const batch = decodeRemoteWrite(fixture('remote-write-prometheus-2.42-metadata.bin'));
  assert.deepEqual(batch.series, []);
  assert.deepEqual(batch.metadata, [
    { metric: 'fixture_requests_total', type: 'counter', help: 'Requests served.', unit: '' },
    { metric: 'fixture_temperature_celsius', type: 'gauge', help: 'Temperature in the lab.', unit: '' },
    { metric: 'fixture_latency_seconds', type: 'histogram', help: 'Request latency.', unit: '' },
  ]);
});

test('built requests: several samples per series, special values, metadata types, exemplars skipped, empty values dropped', () => {
  const batch = decodeRemoteWrite(
    remoteWriteBody(
      [
        {
          labels: [['__name__', 'x_total'], ['__proto__', 'no prototype'], ['empty', ''], ['job', 'j']],
          samples: [
            { t: 1000, v: 1 },
            { t: 2000, v: NaN },
            { t: 3000, v: Infinity },
          ],
          exemplars: [{ labels: [['trace_id', 'abc']], v: 1, t: 1000 }],
        },
        { labels: [['__name__', 'empty_series']] },
      ],
      [
        { type: 5, family: 's', help: 'h', unit: 'seconds' },
        { type: 99, family: 'odd' },
      ],
    ),
  );
  assert.deepEqual(batch.series[0]!.labels, Object.defineProperty({ __name__: 'x_total', job: 'j' }, '__proto__', { value: 'no prototype', enumerable: true, writable: true, configurable: true }));
  assert.equal(Object.getPrototypeOf(batch.series[0]!.labels), Object.prototype);
  assert.deepEqual(batch.series[0]!.samples.map((s) => s.t), [1000, 2000, 3000]);
  assert.ok(Number.isNaN(batch.series[0]!.samples[1]!.v));
  assert.deepEqual(plainSeries(batch.series[1]!), { labels: { __name__: 'empty_series' }, samples: [] });
  assert.equal(batch.sampleCount, 3);
  assert.deepEqual(batch.metadata, [
    { metric: 's', type: 'summary', help: 'h', unit: 'seconds' },
    { metric: 'odd', type: 'unknown', help: '', unit: '' },
  ]);
});

test('entries naming the same series are merged, samples in time order (Prometheus sends one entry per sample)', () => {
  const a: [string, string][] = [['__name__', 'a'], ['job', 'j']];
  const body = remoteWriteBody([
    { labels: a, samples: [{ t: 20, v: 2 }] },
    { labels: [['__name__', 'b']], samples: [{ t: 10, v: 1 }] },
    { labels: [['__name__', 'a'], ['empty', ''], ['job', 'j']], samples: [{ t: 10, v: 1 }, { t: 30, v: 3 }] },
    { labels: a, samples: [{ t: 30, v: 4 }] },
  ]);
  // Twice: the second time every label run comes from the label cache.
  for (const batch of [decodeRemoteWrite(body), decodeRemoteWrite(body)]) {
    assert.deepEqual(batch.series.map(plainSeries), [
      { labels: { __name__: 'a', job: 'j' }, samples: [{ t: 10, v: 1 }, { t: 20, v: 2 }, { t: 30, v: 4 }] },
      { labels: { __name__: 'b' }, samples: [{ t: 10, v: 1 }] },
    ]);
    assert.equal(batch.sampleCount, 4);
    assert.equal(batch.seriesHandles!.length, 2);
  }
});

test('native histograms are counted as rejected, the rest is kept', () => {
  const batch = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'h']], histograms: [[8, 1]], samples: [{ t: 1, v: 2 }] }]));
  assert.equal(batch.sampleCount, 1);
  assert.equal(batch.rejectedSamples, 1);
  assert.match(batch.rejectionMessage, /native histograms are not supported/);
});

test('refusals: invalid, unsorted or duplicate labels, no __name__, timestamps not ascending', () => {
  refused([{ labels: [['job', 'j'], ['__name__', 'x']] }], /^timeseries\[0\]: labels not sorted by name \("__name__" after "job"\)$/);
  refused([{ labels: [['__name__', 'x'], ['a', '1'], ['a', '2']] }], /duplicate label name "a"/);
  refused([{ labels: [['job', 'j']] }], /^timeseries\[0\]: series has no __name__ label$/);
  refused([{ labels: [['__name__', '']] }], /no __name__ label/);
  refused([{ labels: [['__name__', 'x'], ['bad-name', '1']] }], /invalid label name "bad-name"/);
  refused([{ labels: [['1a', '1'], ['__name__', 'x']] }], /invalid label name "1a"/);
  refused([{ labels: [['__name__', 'x']] }, { labels: [['__name__', 'y']], samples: [{ t: 2, v: 1 }, { t: 1, v: 1 }] }], /^timeseries\[1\]: sample timestamps must ascend \(1 after 2\)$/);
  refused([{ labels: [['__name__', 'x']], samples: [{ t: 2, v: 1 }, { t: 2, v: 1 }] }], /must ascend/);
});

test('refusals: bad snappy, a snappy bomb, bad protobuf', () => {
  for (const body of [Buffer.alloc(0), Buffer.from('not snappy at all'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]) {
    const result = decodeOrMalformed(body);
    assert.ok(result instanceof PermanentError);
    assert.match(result.message, /^snappy: /);
  }
  assert.throws(() => decodeRemoteWrite(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x0f, 0])), /over the 67108864-byte limit/);
  assert.throws(() => decodeRemoteWrite(compressSync(Buffer.alloc(1000)), { maxDecompressedBytes: 999 }), /1000 bytes, over the 999-byte limit/);
  const result = decodeOrMalformed(compressSync(Buffer.from([0x0a, 0x05, 0x0a])));
  assert.ok(result instanceof PermanentError);
  assert.match(result.message, /protobuf: length 5 exceeds/);
});

test('truncation at every offset of the golden request never throws anything but a 400', () => {
  const raw = writeRequestBytes([
    { labels: [['__name__', 'a'], ['job', 'j']], samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }], exemplars: [{ labels: [['x', 'y']], v: 1 }] },
  ], [{ type: 1, family: 'a', help: 'h' }]);
  for (let end = 0; end < raw.length; end++) {
    try {
      decodeWriteRequest(raw.subarray(0, end));
    } catch (error) {
      assert.ok(error instanceof PermanentError && !error.message.includes(INTERNAL_ERROR_PREFIX), `offset ${end}: ${String(error)}`);
    }
  }
});

test('fuzz: random and mutated bodies only ever decode or throw a PermanentError', () => {
  const next = random(20261128);
  const golden = [fixture('remote-write-prometheus-2.42-samples.bin'), fixture('remote-write-prometheus-2.42-metadata.bin')];
  const goldenRaw = golden.map((_b) => Buffer.from(writeRequestBytes([{ labels: [['__name__', 'x']], samples: [{ t: 1, v: 1 }] }])));
  let decoded = 0;
  const runs = fuzzRuns(3000);
  for (let i = 0; i < runs; i++) {
    const mode = i % 3;
    const base = mode === 0 ? golden[i % 2]! : goldenRaw[0]!;
    const mutated = mutateBytes(base, next);
    // mode 0: mutate the compressed body; 1: mutate the protobuf then compress; 2: random bytes.
    const body = mode === 0 ? mutated : mode === 1 ? compressSync(Buffer.from(mutated)) : compressSync(Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256))));
    if (!(decodeOrMalformed(body) instanceof PermanentError)) decoded++;
  }
  console.log(`remote_write fuzz: ${runs} inputs, ${decoded} decoded, ${runs - decoded} refused with 400`);
});

test("the batch carries the store's arrival key of each series' labels (empty values dropped), not enumerable", () => {
  const batch = decodeRemoteWrite(
    remoteWriteBody([
      { labels: [['__name__', 'up'], ['a', ''], ['job', 'x\u0000y'], ['z', '1']], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', 'up'], ['job', 'x']], samples: [{ t: 1, v: 1 }] },
    ]),
  );
  assert.deepEqual(batch.seriesHandles!.map((h) => h.key), batch.series.map((s) => arrivalKey(s.labels)));
  assert.ok(!Object.keys(batch).includes('seriesHandles'));
  assert.notEqual(batch.seriesHandles![0]!.key, batch.seriesHandles![1]!.key);
});

test('a label run seen before (the label cache) decodes to the same series, keys and refusals as the first time', () => {
  const series: WriteSeries[] = [
    { labels: [['__name__', 'cached_total'], ['empty', ''], ['job', 'j']], samples: [{ t: 1, v: 1 }] },
    { labels: [['__name__', 'cached_total'], ['job', 'k']], samples: [{ t: 1, v: 2 }], exemplars: [{ labels: [['trace_id', 'a']], v: 1 }] },
  ];
  const first = decodeRemoteWrite(remoteWriteBody(series));
  const again = decodeRemoteWrite(remoteWriteBody(series.map((s) => ({ ...s, samples: [{ t: 2, v: 3 }] }))));
  assert.deepEqual(
    again.series.map((s, i) => [s.labels, again.seriesHandles![i]!.key]),
    first.series.map((s, i) => [s.labels, first.seriesHandles![i]!.key]),
  );
  assert.deepEqual(again.series.map((s) => s.samples), [[{ t: 2, v: 3 }], [{ t: 2, v: 3 }]]);
  // The same leading labels, then a label after the samples: decoded whole, not from the cache.
  const interleaved = writeRequestBytes([{ labels: [['__name__', 'cached_total'], ['empty', ''], ['job', 'j']], samples: [{ t: 5, v: 5 }] }]);
  const extra = Buffer.from([0x0a, 0x07, 0x0a, 0x01, 0x7a, 0x12, 0x02, 0x7a, 0x7a]); // Label { name: "z", value: "zz" }
  const body = Buffer.concat([Buffer.from(interleaved.subarray(0, 1)), Buffer.from([interleaved[1]! + extra.length]), Buffer.from(interleaved.subarray(2)), extra]);
  assert.equal(interleaved[1]! + extra.length < 0x80, true);
  const batch = decodeWriteRequest(body);
  assert.deepEqual(batch.series[0]!.labels, { __name__: 'cached_total', job: 'j', z: 'zz' });
  assert.equal(batch.seriesHandles![0]!.key, arrivalKey(batch.series[0]!.labels));
  // Timestamps are still checked for a cached series.
  refused([{ labels: [['__name__', 'cached_total'], ['job', 'k']], samples: [{ t: 2, v: 1 }, { t: 1, v: 1 }] }], /must ascend/);
});

test('samples decoded into shared column slabs: a series crossing into a new slab, and one larger than a slab, keep every sample', () => {
  const run = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ t: from + i, v: (from + i) * 0.5 }));
  // 60,000 then 10,000 samples: the second series starts in one slab and moves to the next.
  const first = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'slab_a']], samples: run(1, 60_000) }]));
  const second = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'slab_b']], samples: run(100, 10_000) }, { labels: [['__name__', 'slab_c']], samples: run(7, 3) }]));
  const huge = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'slab_d']], samples: run(5, 70_000) }]));
  assert.deepEqual(first.series[0]!.samples, run(1, 60_000));
  assert.deepEqual(second.series.map(plainSeries), [
    { labels: { __name__: 'slab_b' }, samples: run(100, 10_000) },
    { labels: { __name__: 'slab_c' }, samples: run(7, 3) },
  ]);
  assert.equal(second.sampleCount, 10_003);
  assert.deepEqual(huge.series[0]!.samples, run(5, 70_000));
  // A refused request leaves the batches decoded before it as they were.
  const kept = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'slab_e']], samples: run(1, 2) }]));
  refused([{ labels: [['__name__', 'slab_f']], samples: [{ t: 9, v: 9 }, { t: 8, v: 8 }] }], /must ascend/);
  decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'slab_g']], samples: run(50, 4) }]));
  assert.deepEqual(kept.series[0]!.samples, run(1, 2));
});
