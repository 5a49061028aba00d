// Turns what brokers and their exporters expose into lag readings, one per partition of each consumer
// group (Kafka) or per queue (RabbitMQ) or per consumer (NATS JetStream):
// - Kafka: kafka_exporter (`kafka_consumergroup_lag`, `_current_offset`, `kafka_topic_partition_current_offset`,
//   `kafka_consumergroup_members`), KMinion (`kminion_kafka_consumer_group_topic_partition_lag`,
//   `_topic_lag`, `kminion_kafka_topic_partition_high_water_mark`, `_consumer_group_members`) and Burrow's
//   own `/metrics` (`burrow_kafka_consumer_partition_lag`, `_current_offset`, `_topic_partition_offset`,
//   `burrow_kafka_consumer_status`);
// - RabbitMQ's Prometheus plugin, per-object or detailed (`rabbitmq_queue_messages_ready`, `_unacked`,
//   `_consumers`, published/delivered totals; the `rabbitmq_detailed_` prefix too). The aggregated
//   default endpoint has no queue label and yields nothing;
// - NATS JetStream: the monitoring endpoint `/jsz?consumers=true` (JSON) and prometheus-nats-exporter's
//   `jetstream_consumer_num_pending` family.
// Pure: a scrape's samples (or the jsz JSON) and its time in, readings out.
import type { InstantSample, Labels } from '../metrics/types';
import type { LagObservation } from './burrow';

export type BrokerSystem = 'kafka' | 'rabbitmq' | 'nats';

export type { InstantSample };

export interface LagReading {
  system: BrokerSystem;
  cluster: string;
  /** Topic, queue or stream. */
  destination: string;
  /** Consumer group, the queue's consumers, or the JetStream consumer. */
  group: string;
  /** Kafka partition; null for a queue or a JetStream consumer. */
  partition: string | null;
  observation: LagObservation;
  /** Burrow's own verdict when Burrow exports it (NOTFOUND, OK, WARN, ERR). */
  burrowStatus?: 'NOTFOUND' | 'OK' | 'WARN' | 'ERR';
}

/** The identity of a reading's window: one per partition. */
export function readingKey(r: Pick<LagReading, 'system' | 'cluster' | 'destination' | 'group' | 'partition'>): string {
  return [r.system, r.cluster, r.destination, r.group, r.partition ?? ''].join('\u0000');
}

/** The identity of the group a reading belongs to (its partitions together). */
export function groupKey(r: Pick<LagReading, 'system' | 'cluster' | 'destination' | 'group'>): string {
  return [r.system, r.cluster, r.destination, r.group].join('\u0000');
}

const finite = (v: number | undefined): number | undefined => (v !== undefined && Number.isFinite(v) ? v : undefined);

function byName(samples: readonly InstantSample[]): Map<string, InstantSample[]> {
  const m = new Map<string, InstantSample[]>();
  for (const s of samples) {
    const name = s.labels.__name__ ?? '';
    let list = m.get(name);
    if (!list) m.set(name, (list = []));
    list.push(s);
  }
  return m;
}

function clusterOf(labels: Labels, fallback: string): string {
  return labels.cluster || labels.kafka_cluster || labels.instance || labels.job || fallback;
}

interface PartitionAcc {
  cluster: string;
  topic: string;
  group: string;
  partition: string | null;
  lag?: number;
  consumed?: number;
  produced?: number;
  consumers?: number;
  burrowStatus?: LagReading['burrowStatus'];
}

const BURROW_STATUS: Array<LagReading['burrowStatus']> = ['NOTFOUND', 'OK', 'WARN', 'ERR'];

/** Kafka lag from kafka_exporter, KMinion or Burrow samples (whichever are present). */
export function kafkaReadings(samples: readonly InstantSample[], t: number): LagReading[] {
  const names = byName(samples);
  const parts = new Map<string, PartitionAcc>();
  const acc = (cluster: string, topic: string, group: string, partition: string | null) => {
    const key = [cluster, topic, group, partition ?? ''].join('\u0000');
    let a = parts.get(key);
    if (!a) parts.set(key, (a = { cluster, topic, group, partition }));
    return a;
  };
  const produced = new Map<string, number>(); // cluster/topic/partition → high-water mark
  const members = new Map<string, number>(); // cluster/group → members
  const burrowGroup = new Map<string, LagReading['burrowStatus']>();
  const pk = (cluster: string, topic: string, partition: string) => `${cluster}\u0000${topic}\u0000${partition}`;
  const gk = (cluster: string, group: string) => `${cluster}\u0000${group}`;

  // kafka_exporter
  for (const s of names.get('kafka_consumergroup_lag') ?? [])
    acc(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.consumergroup ?? '', s.labels.partition ?? '0').lag = s.value;
  for (const s of names.get('kafka_consumergroup_current_offset') ?? [])
    if (s.value >= 0) acc(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.consumergroup ?? '', s.labels.partition ?? '0').consumed = s.value;
  for (const s of names.get('kafka_topic_partition_current_offset') ?? [])
    produced.set(pk(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.partition ?? '0'), s.value);
  for (const s of names.get('kafka_consumergroup_members') ?? []) members.set(gk(clusterOf(s.labels, 'kafka'), s.labels.consumergroup ?? ''), s.value);

  // KMinion
  const kminionPartitionLag = names.get('kminion_kafka_consumer_group_topic_partition_lag') ?? [];
  for (const s of kminionPartitionLag)
    acc(clusterOf(s.labels, 'kafka'), s.labels.topic_name ?? '', s.labels.group_id ?? '', s.labels.partition_id ?? '0').lag = s.value;
  if (kminionPartitionLag.length === 0)
    for (const s of names.get('kminion_kafka_consumer_group_topic_lag') ?? [])
      acc(clusterOf(s.labels, 'kafka'), s.labels.topic_name ?? '', s.labels.group_id ?? '', null).lag = s.value;
  for (const s of names.get('kminion_kafka_topic_partition_high_water_mark') ?? [])
    produced.set(pk(clusterOf(s.labels, 'kafka'), s.labels.topic_name ?? '', s.labels.partition_id ?? '0'), s.value);
  for (const s of names.get('kminion_kafka_consumer_group_members') ?? []) members.set(gk(clusterOf(s.labels, 'kafka'), s.labels.group_id ?? ''), s.value);

  // Burrow
  for (const s of names.get('burrow_kafka_consumer_partition_lag') ?? [])
    acc(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.consumer_group ?? '', s.labels.partition ?? '0').lag = s.value;
  for (const s of names.get('burrow_kafka_consumer_current_offset') ?? [])
    acc(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.consumer_group ?? '', s.labels.partition ?? '0').consumed = s.value;
  for (const s of names.get('burrow_kafka_topic_partition_offset') ?? [])
    produced.set(pk(clusterOf(s.labels, 'kafka'), s.labels.topic ?? '', s.labels.partition ?? '0'), s.value);
  for (const s of names.get('burrow_kafka_consumer_status') ?? [])
    burrowGroup.set(gk(clusterOf(s.labels, 'kafka'), s.labels.consumer_group ?? ''), BURROW_STATUS[s.value] ?? undefined);

  const out: LagReading[] = [];
  for (const a of parts.values()) {
    if (a.lag === undefined) continue; // a partition with an offset but no lag figure says nothing about lag
    const hw = a.partition === null ? undefined : produced.get(pk(a.cluster, a.topic, a.partition));
    const consumers = members.get(gk(a.cluster, a.group));
    const burrowStatus = burrowGroup.get(gk(a.cluster, a.group));
    out.push({
      system: 'kafka',
      cluster: a.cluster,
      destination: a.topic,
      group: a.group,
      partition: a.partition,
      observation: {
        t,
        lag: Math.max(0, a.lag),
        ...(finite(a.consumed) !== undefined ? { consumed: a.consumed } : {}),
        ...(finite(hw) !== undefined ? { produced: hw } : {}),
        ...(consumers !== undefined ? { consumers } : {}),
      },
      ...(burrowStatus ? { burrowStatus } : {}),
    });
  }
  return out;
}

const RABBITMQ_QUEUE_PREFIXES = ['rabbitmq_queue_', 'rabbitmq_detailed_queue_'] as const;
const RABBITMQ_QUEUE_METRICS = ['messages_ready', 'messages_unacked', 'consumers', 'messages_published_total', 'messages_delivered_ack_total', 'messages_delivered_total'] as const;

/** RabbitMQ queues from the Prometheus plugin's per-object or detailed endpoint. */
export function rabbitmqReadings(samples: readonly InstantSample[], t: number): LagReading[] {
  const names = byName(samples);
  const queues = new Map<string, { cluster: string; vhost: string; queue: string; ready?: number; unacked?: number; consumers?: number; published?: number; delivered?: number }>();
  const take = (metric: (typeof RABBITMQ_QUEUE_METRICS)[number], field: 'ready' | 'unacked' | 'consumers' | 'published' | 'delivered') => {
    for (const prefix of RABBITMQ_QUEUE_PREFIXES) {
      for (const s of names.get(prefix + metric) ?? []) {
        const queue = s.labels.queue;
        if (!queue) continue; // the aggregated endpoint: no per-queue figures
        const vhost = s.labels.vhost ?? '/';
        const cluster = s.labels.cluster || s.labels.rabbitmq_cluster || s.labels.instance || 'rabbitmq';
        const key = `${cluster}\u0000${vhost}\u0000${queue}`;
        let q = queues.get(key);
        if (!q) queues.set(key, (q = { cluster, vhost, queue }));
        if (Number.isFinite(s.value)) q[field] = (q[field] ?? 0) + s.value;
      }
    }
  };
  take('messages_ready', 'ready');
  take('messages_unacked', 'unacked');
  take('consumers', 'consumers');
  take('messages_published_total', 'published');
  take('messages_delivered_ack_total', 'delivered');
  take('messages_delivered_total', 'delivered');
  const out: LagReading[] = [];
  for (const q of queues.values()) {
    if (q.ready === undefined) continue;
    const destination = q.vhost === '/' ? q.queue : `${q.vhost}/${q.queue}`;
    out.push({
      system: 'rabbitmq',
      cluster: q.cluster,
      destination,
      group: destination,
      partition: null,
      observation: {
        t,
        lag: q.ready + (q.unacked ?? 0),
        ...(q.consumers !== undefined ? { consumers: q.consumers } : {}),
        ...(q.published !== undefined ? { produced: q.published } : {}),
        ...(q.delivered !== undefined ? { consumed: q.delivered } : {}),
      },
    });
  }
  return out;
}

/** prometheus-nats-exporter's JetStream consumer metrics. */
export function natsExporterReadings(samples: readonly InstantSample[], t: number): LagReading[] {
  const names = byName(samples);
  const consumers = new Map<string, { cluster: string; stream: string; consumer: string; pending?: number; ackPending?: number; ackFloor?: number }>();
  const take = (metric: string, field: 'pending' | 'ackPending' | 'ackFloor') => {
    for (const s of names.get(metric) ?? []) {
      const stream = s.labels.stream_name ?? s.labels.stream ?? '';
      const consumer = s.labels.consumer_name ?? s.labels.consumer ?? '';
      const cluster = s.labels.cluster || s.labels.server_id || s.labels.instance || 'nats';
      const key = `${cluster}\u0000${stream}\u0000${consumer}`;
      let c = consumers.get(key);
      if (!c) consumers.set(key, (c = { cluster, stream, consumer }));
      c[field] = s.value;
    }
  };
  take('jetstream_consumer_num_pending', 'pending');
  take('jetstream_consumer_num_ack_pending', 'ackPending');
  take('jetstream_consumer_ack_floor_stream_seq', 'ackFloor');
  const out: LagReading[] = [];
  for (const c of consumers.values()) {
    if (c.pending === undefined) continue;
    out.push({
      system: 'nats',
      cluster: c.cluster,
      destination: c.stream,
      group: c.consumer,
      partition: null,
      observation: { t, lag: c.pending + (c.ackPending ?? 0), ...(c.ackFloor !== undefined ? { consumed: c.ackFloor } : {}) },
    });
  }
  return out;
}

/** The subset of `/jsz?consumers=true` read here (nats-server 2.9+). */
interface JszConsumer {
  stream_name?: string;
  name?: string;
  num_pending?: number;
  num_ack_pending?: number;
  delivered?: { stream_seq?: number; last_active?: string };
  ack_floor?: { stream_seq?: number; last_active?: string };
}
interface JszStream {
  name?: string;
  cluster?: { name?: string };
  state?: { last_seq?: number };
  consumer_detail?: JszConsumer[];
}

/** NATS JetStream consumers from the monitoring endpoint's JSON. Throws on a body that is not jsz. */
export function natsJszReadings(body: unknown, t: number, fallbackCluster = 'nats'): LagReading[] {
  if (typeof body !== 'object' || body === null || !('server_id' in body)) throw new Error('not a /jsz response (no server_id)');
  const accounts = (body as { account_details?: Array<{ stream_detail?: JszStream[] }> }).account_details ?? [];
  const out: LagReading[] = [];
  for (const account of accounts) {
    for (const stream of account.stream_detail ?? []) {
      const cluster = stream.cluster?.name || fallbackCluster;
      for (const c of stream.consumer_detail ?? []) {
        if (typeof c.num_pending !== 'number') continue;
        const lastActive = Date.parse(c.ack_floor?.last_active ?? c.delivered?.last_active ?? '');
        out.push({
          system: 'nats',
          cluster,
          destination: c.stream_name ?? stream.name ?? '',
          group: c.name ?? '',
          partition: null,
          observation: {
            t,
            lag: c.num_pending + (c.num_ack_pending ?? 0),
            ...(typeof c.ack_floor?.stream_seq === 'number' ? { consumed: c.ack_floor.stream_seq } : {}),
            ...(typeof stream.state?.last_seq === 'number' ? { produced: stream.state.last_seq } : {}),
            // Burrow's STOP for a consumer whose clients went away: last activity older than the window.
            ...(Number.isFinite(lastActive) && lastActive > 0 ? { lastActiveMs: lastActive } : {}),
          },
        });
      }
    }
  }
  return out;
}

/** Every metric name a reader above looks at (each reads samples by exact name). Keep it in step with them. */
const LAG_METRIC_NAMES: ReadonlySet<string> = new Set([
  'kafka_consumergroup_lag',
  'kafka_consumergroup_current_offset',
  'kafka_topic_partition_current_offset',
  'kafka_consumergroup_members',
  'kminion_kafka_consumer_group_topic_partition_lag',
  'kminion_kafka_consumer_group_topic_lag',
  'kminion_kafka_topic_partition_high_water_mark',
  'kminion_kafka_consumer_group_members',
  'burrow_kafka_consumer_partition_lag',
  'burrow_kafka_consumer_current_offset',
  'burrow_kafka_topic_partition_offset',
  'burrow_kafka_consumer_status',
  ...RABBITMQ_QUEUE_PREFIXES.flatMap((prefix) => RABBITMQ_QUEUE_METRICS.map((metric) => prefix + metric)),
  'jetstream_consumer_num_pending',
  'jetstream_consumer_num_ack_pending',
  'jetstream_consumer_ack_floor_stream_seq',
]);

/** Whether any reader above looks at samples of this metric: observers may drop every other sample first. */
export function isLagMetricName(name: string): boolean {
  return LAG_METRIC_NAMES.has(name);
}

/** Every lag reading a scrape's samples hold, whichever exporters produced them. */
export function lagReadingsFromSamples(samples: readonly InstantSample[], t: number): LagReading[] {
  return [...kafkaReadings(samples, t), ...rabbitmqReadings(samples, t), ...natsExporterReadings(samples, t)];
}
