// Lag readings from real exporters' text (tests/fixtures/exposition, see its README for sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everyExpositionSample, readExposition, samplesFromText } from '../../../tests/support/exposition-samples';
import { isLagMetricName, kafkaReadings, lagReadingsFromSamples, natsExporterReadings, natsJszReadings, rabbitmqReadings, readingKey } from './sources';

const T = 1_700_000_000_000;

test('kafka_exporter: lag, offsets (-1 = no commit), members', () => {
  const r = kafkaReadings(samplesFromText(readExposition('kafka_exporter-readme-consumergroups.txt')), T);
  assert.equal(r.length, 1);
  assert.deepEqual(r[0], {
    system: 'kafka',
    cluster: 'kafka',
    destination: '__consumer_offsets',
    group: 'KMOffsetCache-kafka-manager-3806276532-ml44w',
    partition: '0',
    observation: { t: T, lag: 1, consumers: 1 },
  });
});

test('kafka_exporter full scrape: group G1 on songs has its offset and the partition high-water mark', () => {
  const r = kafkaReadings(samplesFromText(readExposition('kafka_exporter-v1.3.1-full-scrape.txt')), T);
  const g1 = r.filter((x) => x.group === 'G1');
  assert.ok(g1.length >= 1);
  const songs = g1.find((x) => x.destination === 'songs')!;
  assert.equal(songs.observation.lag, 0);
  assert.equal(songs.observation.consumed, 17);
  assert.equal(songs.observation.produced, 17);
});

test('KMinion: per-partition lag wins over the topic sum; members read', () => {
  const r = kafkaReadings(samplesFromText(readExposition('kminion-docs-consumer-groups.txt')), T);
  assert.equal(r.length, 1);
  assert.equal(r[0]!.group, 'bigquery-sink');
  assert.equal(r[0]!.destination, 'shop-activity');
  assert.equal(r[0]!.partition, '10');
  assert.equal(r[0]!.observation.lag, 147481);
  assert.equal(r[0]!.observation.consumers, 2);
});

test("Burrow's own metrics: partition lag, offsets, and its status index", () => {
  const r = kafkaReadings(samplesFromText(readExposition('burrow-prometheus-test-assertions.txt')), T);
  const p0 = r.find((x) => x.destination === 'testtopic' && x.partition === '0')!;
  assert.equal(p0.cluster, 'testcluster');
  assert.equal(p0.observation.lag, 100);
  assert.equal(p0.observation.consumed, 22663);
  assert.equal(p0.observation.produced, 6556);
  assert.equal(p0.burrowStatus, 'OK');
  const incomplete = r.find((x) => x.destination === 'incomplete' && x.partition === '0')!;
  assert.equal(incomplete.observation.consumed, undefined, 'an incomplete partition has no current offset');
  assert.equal(r.length, 5);
});

test('RabbitMQ per-object: ready + unacked, consumers', () => {
  const r = rabbitmqReadings(samplesFromText(readExposition('rabbitmq-per-object-queues.txt')), T);
  assert.equal(r.length, 1);
  assert.equal(r[0]!.destination, 'fixture.orders');
  assert.deepEqual(r[0]!.observation, { t: T, lag: 25, consumers: 1 });
});

test('RabbitMQ detailed (rabbitmq_detailed_ prefix) reads the same queue', () => {
  const r = rabbitmqReadings(samplesFromText(readExposition('rabbitmq-detailed-queue-coarse-and-consumers.txt')), T);
  assert.equal(r.length, 1);
  assert.deepEqual(r[0]!.observation, { t: T, lag: 25, consumers: 1 });
});

test('RabbitMQ aggregated endpoint has no queue labels: nothing, rather than a wrong queue', () => {
  assert.deepEqual(rabbitmqReadings(samplesFromText(readExposition('rabbitmq-aggregated-queues.txt')), T), []);
});

test('NATS /jsz?consumers=true: pending + ack pending, ack floor, stream last sequence', () => {
  const body = JSON.parse(readExposition('nats-jsz-consumers.json'));
  const r = natsJszReadings(body, T);
  const proc = r.find((x) => x.group === 'order-processor')!;
  assert.equal(proc.destination, 'ORDERS');
  assert.equal(proc.observation.lag, 20);
  assert.equal(proc.observation.consumed, 10);
  assert.equal(proc.observation.produced, 30);
  const audit = r.find((x) => x.group === 'priority-audit')!;
  assert.equal(audit.observation.lag, 10);
  assert.throws(() => natsJszReadings({ hello: 1 }, T), /not a \/jsz/);
});

test('prometheus-nats-exporter names', () => {
  const r = natsExporterReadings(
    samplesFromText(
      [
        'jetstream_consumer_num_pending{stream_name="ORDERS",consumer_name="order-processor",server_id="S1"} 15',
        'jetstream_consumer_num_ack_pending{stream_name="ORDERS",consumer_name="order-processor",server_id="S1"} 5',
        'jetstream_consumer_ack_floor_stream_seq{stream_name="ORDERS",consumer_name="order-processor",server_id="S1"} 10',
      ].join('\n'),
    ),
    T,
  );
  assert.deepEqual(r, [{ system: 'nats', cluster: 'S1', destination: 'ORDERS', group: 'order-processor', partition: null, observation: { t: T, lag: 20, consumed: 10 } }]);
});

test('a scrape with several exporters yields each reading once, with distinct keys', () => {
  const text = ['kafka_exporter-readme-consumergroups.txt', 'rabbitmq-per-object-queues.txt'].map(readExposition).join('\n');
  const r = lagReadingsFromSamples(samplesFromText(text), T);
  assert.equal(r.length, 2);
  assert.equal(new Set(r.map(readingKey)).size, 2);
});

test('the name filter keeps every sample a reader reads: the readings of the filtered samples are the same', () => {
  const extra = [
    'jetstream_consumer_num_pending{stream_name="S",consumer_name="c"} 5',
    'jetstream_consumer_num_ack_pending{stream_name="S",consumer_name="c"} 1',
    'jetstream_consumer_ack_floor_stream_seq{stream_name="S",consumer_name="c"} 9',
    'http_requests_total{job="x"} 5',
  ];
  const samples = everyExpositionSample(extra);
  const kept = samples.filter((s) => isLagMetricName(s.labels.__name__ ?? ''));
  assert.ok(kept.length < samples.length);
  const all = lagReadingsFromSamples(samples, T);
  assert.ok(new Set(all.map((r) => r.system)).size === 3);
  assert.deepEqual(lagReadingsFromSamples(kept, T), all);
  assert.equal(isLagMetricName('rabbitmq_queue_messages_ready'), true);
  assert.equal(isLagMetricName('rabbitmq_detailed_queue_messages_delivered_total'), true);
  assert.equal(isLagMetricName('bench_metric_1'), false);
});
