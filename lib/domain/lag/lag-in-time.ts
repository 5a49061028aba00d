// Lag in time, and where the figure comes from. A broker says how many messages wait; how long that
// is depends on what else it counts:
// - 'consume-rate': lag ÷ the rate of its consumed/delivered counter (Kafka committed offsets, NATS
//   ack floor, RabbitMQ's delivered totals on /metrics/detailed);
// - 'net-rate': lag ÷ (what was published less what the backlog grew by, per second), when it
//   counts publishes only (RabbitMQ's per-object `rabbitmq_queue_messages_published_total`);
// - 'traces': neither counter (RabbitMQ's /metrics/per-object has only ready/unacked/consumers) —
//   the time the messages consumed in the last minutes waited, from the messaging edges' consumer
//   start − producer start (the FIFO head's wait is the queue's lag in time);
// - 'empty': nothing waits.
// Pure.

export type LagSecondsSource = 'consume-rate' | 'net-rate' | 'traces' | 'empty';

export const LAG_SECONDS_SOURCE_LABEL: Record<LagSecondsSource, string> = {
  'consume-rate': 'lag ÷ consume rate (broker counters)',
  'net-rate': 'lag ÷ (published − backlog growth) per second (broker counters)',
  traces: 'time in queue from traces (p95, last 2 min)',
  empty: 'nothing waiting',
};

export interface LagInTime {
  lagSeconds: number | null;
  lagSecondsSource: LagSecondsSource | null;
}

/**
 * From the broker's own figures: `consumeRate` measured from a consumed/delivered counter, or else
 * `derivedConsumeRate` (publishes less backlog growth); undefined when the broker has neither.
 */
export function lagInTimeFromRates(lag: number, consumeRate: number | undefined, derivedConsumeRate: number | undefined): LagInTime {
  if (lag <= 0) return { lagSeconds: 0, lagSecondsSource: 'empty' };
  if (consumeRate !== undefined) return consumeRate > 1e-9 ? { lagSeconds: lag / consumeRate, lagSecondsSource: 'consume-rate' } : { lagSeconds: null, lagSecondsSource: null };
  if (derivedConsumeRate !== undefined && derivedConsumeRate > 1e-9) return { lagSeconds: lag / derivedConsumeRate, lagSecondsSource: 'net-rate' };
  return { lagSeconds: null, lagSecondsSource: null };
}

/** Time in queue from traces for one destination (ms): over the display window, and the last minutes. */
export interface TracesQueueTime {
  p50: number;
  p95: number;
  count: number;
  /** p95 over the last two minutes only; null when no message was consumed then. */
  recentP95: number | null;
}

/**
 * Fills a lag in time the broker's figures could not give from traces: the recent p95 wait (or the
 * whole window's when nothing was consumed lately). A broker-derived figure is kept as it is.
 */
export function withTracesLagInTime(lag: number, fromBroker: LagInTime, traces: TracesQueueTime | null): LagInTime {
  if (fromBroker.lagSeconds !== null) return fromBroker;
  if (lag <= 0) return { lagSeconds: 0, lagSecondsSource: 'empty' };
  if (!traces || traces.count === 0) return fromBroker;
  return { lagSeconds: (traces.recentP95 ?? traces.p95) / 1000, lagSecondsSource: 'traces' };
}
