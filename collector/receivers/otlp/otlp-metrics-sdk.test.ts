// OTLP metrics from the official OpenTelemetry JS SDK: the OTLP/HTTP protobuf exporter posts to a
// server in this test, we decode the captured bytes and compare with the Prometheus series the
// standard translation gives. The same ResourceMetrics serialized by the official JSON and
// protobuf serializers must decode identically.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Meter } from '@opentelemetry/api';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { DeltaToCumulative } from '../../../lib/domain/metrics/delta-to-cumulative';
import type { MetricBatch, SeriesSamples } from '../../../lib/domain/metrics/types';
import { decodeMetricsJson } from './decode-metrics-json';
import { decodeMetricsProto } from './decode-metrics-proto';

let server: Server;
let url: string;
let bodies: Buffer[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/metrics') bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'checkout-1',
  'deployment.environment': 'test',
  'host.name': 'h1',
};

function provider(temporality: AggregationTemporalityPreference): { meter: Meter; flush: () => Promise<Buffer>; memory: InMemoryMetricExporter; shutdown: () => Promise<void> } {
  const memory = new InMemoryMetricExporter(temporality === AggregationTemporalityPreference.DELTA ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE);
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE),
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url, temporalityPreference: temporality }), exportIntervalMillis: 3_600_000 }),
      new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 }),
    ],
  });
  return {
    meter: meterProvider.getMeter('meshlight.fixture', '1.2.0'),
    memory,
    flush: async () => {
      bodies = [];
      await meterProvider.forceFlush();
      assert.equal(bodies.length, 1, 'one export request per flush');
      return bodies[0]!;
    },
    shutdown: () => meterProvider.shutdown(),
  };
}

function record(meter: Meter): void {
  const attrs = { 'http.method': 'GET', 'http.status_code': 200 };
  const requests = meter.createCounter('http.server.requests', { unit: '{request}', description: 'Requests served' });
  requests.add(3, attrs);
  requests.add(2, attrs);
  const depth = meter.createUpDownCounter('queue.depth', { unit: '{message}' });
  depth.add(7);
  depth.add(-2);
  const duration = meter.createHistogram('http.server.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
  for (const v of [0.05, 0.5, 2]) duration.record(v, attrs);
  meter.createObservableGauge('cpu.utilization', { unit: '1' }).addCallback((result) => result.observe(0.25, { cpu: '0' }));
  const size = meter.createHistogram('payload.size', { unit: 'By' });
  for (const v of [1, 2, 4]) size.record(v);
}

type Brief = Record<string, number>;

/** `name{k="v",…}` (labels sorted) → value of the last sample. */
function brief(batch: MetricBatch, filter: (s: SeriesSamples) => boolean = () => true): Brief {
  const out: Brief = {};
  for (const s of batch.series.filter(filter)) {
    const { __name__, ...labels } = s.labels;
    const text = Object.keys(labels)
      .sort()
      .map((k) => `${k}=${JSON.stringify(labels[k])}`)
      .join(',');
    out[`${__name__}{${text}}`] = s.samples[s.samples.length - 1]!.v;
  }
  return out;
}

const ID_LABELS = { instance: 'checkout-1', job: 'shop/checkout', otel_scope_name: 'meshlight.fixture', otel_scope_version: '1.2.0' };
const HTTP_LABELS = { ...ID_LABELS, http_method: 'GET', http_status_code: '200' };

/** The brief() key of a series: the identity labels of the fixture plus `extra`, sorted. */
function k(name: string, base: Record<string, string>, extra: Record<string, string> = {}): string {
  const labels: Record<string, string> = { ...base, ...extra };
  return `${name}{${Object.keys(labels).sort().map((l) => `${l}=${JSON.stringify(labels[l])}`).join(',')}}`;
}

test('cumulative SDK export → Prometheus series by the standard translation', async () => {
  const { meter, flush, shutdown } = provider(AggregationTemporalityPreference.CUMULATIVE);
  record(meter);
  const batch = decodeMetricsProto(await flush());
  await shutdown();
  assert.equal(batch.rejectedSamples, 0, batch.rejectionMessage);
  const series = brief(batch, (s) => s.labels.__name__ !== 'target_info' && !s.labels.__name__!.startsWith('payload_size_bytes'));
  assert.deepEqual(series, {
    [k('http_server_requests_total', HTTP_LABELS)]: 5,
    [k('queue_depth', ID_LABELS)]: 5,
    [k('http_server_duration_seconds_bucket', HTTP_LABELS, { le: '0.1' })]: 1,
    [k('http_server_duration_seconds_bucket', HTTP_LABELS, { le: '1' })]: 2,
    [k('http_server_duration_seconds_bucket', HTTP_LABELS, { le: '+Inf' })]: 3,
    [k('http_server_duration_seconds_sum', HTTP_LABELS)]: 2.55,
    [k('http_server_duration_seconds_count', HTTP_LABELS)]: 3,
    [k('cpu_utilization_ratio', ID_LABELS, { cpu: '0' })]: 0.25,
  });
  // Exponential histogram, converted to classic buckets: boundaries at powers of two are exact.
  const size = brief(batch, (s) => s.labels.__name__!.startsWith('payload_size_bytes'));
  assert.equal(size[k('payload_size_bytes_bucket', ID_LABELS, { le: '1' })], 1);
  assert.equal(size[k('payload_size_bytes_bucket', ID_LABELS, { le: '2' })], 2);
  assert.equal(size[k('payload_size_bytes_bucket', ID_LABELS, { le: '4' })], 3);
  assert.equal(size[k('payload_size_bytes_bucket', ID_LABELS, { le: '+Inf' })], 3);
  assert.equal(size[k('payload_size_bytes_sum', ID_LABELS)], 7);
  assert.equal(size[k('payload_size_bytes_count', ID_LABELS)], 3);
  assert.ok(Object.keys(size).length <= 160 + 3);

  const targetInfo = batch.series.find((s) => s.labels.__name__ === 'target_info');
  assert.ok(targetInfo);
  assert.equal(targetInfo.labels.job, 'shop/checkout');
  assert.equal(targetInfo.labels.instance, 'checkout-1');
  assert.equal(targetInfo.labels.deployment_environment, 'test');
  assert.equal(targetInfo.labels.host_name, 'h1');
  assert.equal(targetInfo.labels.service_name, undefined);
  assert.equal(targetInfo.samples[0]!.v, 1);

  assert.deepEqual(
    batch.metadata.filter((m) => m.metric !== 'target_info'),
    [
      { metric: 'http_server_requests_total', type: 'counter', help: 'Requests served', unit: '' },
      { metric: 'queue_depth', type: 'gauge', help: '', unit: '' },
      { metric: 'http_server_duration_seconds', type: 'histogram', help: '', unit: 'seconds' },
      { metric: 'cpu_utilization_ratio', type: 'gauge', help: '', unit: '' },
      { metric: 'payload_size_bytes', type: 'histogram', help: '', unit: 'bytes' },
    ].sort((a, b) => batch.metadata.findIndex((m) => m.metric === a.metric) - batch.metadata.findIndex((m) => m.metric === b.metric)),
  );
  // All samples of one export share the collection time, in ms.
  const times = new Set(batch.series.flatMap((s) => s.samples.map((x) => x.t)));
  assert.equal(times.size, 1);
  assert.ok(Math.abs([...times][0]! - Date.now()) < 60_000);
});

test('delta SDK export accumulates into cumulative series with DeltaToCumulative', async () => {
  const { meter, flush, shutdown } = provider(AggregationTemporalityPreference.DELTA);
  let now = 0;
  const deltas = new DeltaToCumulative({ now: () => now });
  const requests = meter.createCounter('http.server.requests', { unit: '{request}' });
  const duration = meter.createHistogram('http.server.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
  requests.add(3);
  duration.record(0.05);
  const first = brief(decodeMetricsProto(await flush(), { deltas }), (s) => s.labels.__name__ !== 'target_info');
  now += 1000;
  requests.add(2);
  duration.record(0.5);
  duration.record(5);
  const second = brief(decodeMetricsProto(await flush(), { deltas }), (s) => s.labels.__name__ !== 'target_info');
  await shutdown();
  assert.equal(first[k('http_server_requests_total', ID_LABELS)], 3);
  assert.equal(second[k('http_server_requests_total', ID_LABELS)], 5);
  assert.equal(second[k('http_server_duration_seconds_bucket', ID_LABELS, { le: '0.1' })], 1);
  assert.equal(second[k('http_server_duration_seconds_bucket', ID_LABELS, { le: '1' })], 2);
  assert.equal(second[k('http_server_duration_seconds_bucket', ID_LABELS, { le: '+Inf' })], 3);
  assert.equal(second[k('http_server_duration_seconds_count', ID_LABELS)], 3);
  assert.equal(second[k('http_server_duration_seconds_sum', ID_LABELS)], 5.55);

  // Without the accumulator, delta points are refused and counted, not silently passed on.
  requests.add(1);
  const { meter: m2, flush: flush2, shutdown: shutdown2 } = provider(AggregationTemporalityPreference.DELTA);
  m2.createCounter('c').add(1);
  const refused = decodeMetricsProto(await flush2());
  await shutdown2();
  assert.equal(refused.rejectedSamples, 1);
  assert.match(refused.rejectionMessage, /delta temporality is not accepted here/);
});

test('the official JSON and protobuf serializers of the same export decode to the same batch', async () => {
  const { meter, flush, memory, shutdown } = provider(AggregationTemporalityPreference.CUMULATIVE);
  record(meter);
  await flush();
  const [resourceMetrics] = memory.getMetrics();
  await shutdown();
  assert.ok(resourceMetrics);
  const proto = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  const json = JsonMetricsSerializer.serializeRequest(resourceMetrics);
  assert.ok(proto && json);
  const fromProto = decodeMetricsProto(proto);
  const fromJson = decodeMetricsJson(new TextDecoder().decode(json));
  assert.equal(fromProto.sampleCount, fromJson.sampleCount);
  assert.ok(fromProto.sampleCount > 10);
  assert.deepStrictEqual(fromJson, fromProto);
});
