// Breaker readings from what each library exposes, all into one model (model.ts):
// - resilience4j via Micrometer: `resilience4j_circuitbreaker_state{name,state}` (the current state's
//   series is 1; 0.x: one series whose value is the state's order), `_failure_rate`, `_slow_call_rate`
//   (-1 = not enough calls yet), calls from `_calls_seconds_count{kind}` (2.x), `_calls_total{kind}`
//   (1.x) or `_calls{kind}` (0.x), rejections from `_not_permitted_calls_total` or `kind="not_permitted"`;
// - opossum + opossum-prometheus: `circuit{name,event}` counters (and `circuit_<event>[_total]{name}`):
//   the state follows the latest open/halfOpen/close increase;
// - Polly v8: `resilience_polly_strategy_events_total{event_name=OnCircuitOpened|OnCircuitHalfOpened|OnCircuitClosed}`
//   (its OTLP counter `resilience.polly.strategy.events` after the Prometheus translation);
// - Envoy/Istio: `envoy_cluster_circuit_breakers_{default,high}_{cx,rq,cx_pool,rq_pending,rq_retry}_open`
//   gauges (1 while that limit is reached);
// - spans: `circuit.state` / `circuit.name` on a client span (Meshlight's documented convention).
// Pure: samples and their time in, readings out.
import type { InstantSample, Labels } from '../metrics/types';
import type { BreakerCounters, BreakerReading, BreakerState } from './model';

export type { InstantSample };

function serviceOf(labels: Labels): string {
  return labels.service || labels.application || labels.service_name || labels.job || 'unknown';
}

function group(samples: readonly InstantSample[], names: (name: string) => boolean): InstantSample[] {
  return samples.filter((s) => names(s.labels.__name__ ?? ''));
}

/** resilience4j's State order, used by the 0.x single-series gauge. */
const R4J_ORDER: BreakerState[] = ['closed', 'open', 'half_open', 'disabled', 'forced_open', 'metrics_only'];
const R4J_STATES = new Set<string>(R4J_ORDER);

export function resilience4jReadings(samples: readonly InstantSample[], t: number): BreakerReading[] {
  const byBreaker = new Map<string, BreakerReading & { counters: BreakerCounters }>();
  const get = (labels: Labels) => {
    const service = serviceOf(labels);
    const name = labels.name ?? '';
    const key = `${service}\u0000${name}`;
    let r = byBreaker.get(key);
    if (!r) byBreaker.set(key, (r = { service, name, t, source: 'resilience4j', counters: {}, ...(labels.instance ? { instance: labels.instance } : {}) }));
    return r;
  };
  const r4j = group(samples, (n) => n.startsWith('resilience4j_circuitbreaker_'));
  for (const s of r4j) {
    const metric = s.labels.__name__!.slice('resilience4j_circuitbreaker_'.length);
    const r = get(s.labels);
    const kind = s.labels.kind;
    switch (metric) {
      case 'state':
        if (s.labels.state !== undefined) {
          if (s.value === 1 && R4J_STATES.has(s.labels.state)) r.state = s.labels.state as BreakerState;
        } else if (r.state === undefined && Number.isInteger(s.value) && R4J_ORDER[s.value] && !r4j.some((x) => x.labels.__name__ === s.labels.__name__ && x.labels.state !== undefined)) {
          r.state = R4J_ORDER[s.value];
        }
        break;
      case 'failure_rate':
        if (s.value >= 0) r.failureRate = s.value;
        break;
      case 'slow_call_rate':
        if (s.value >= 0) r.slowCallRate = s.value;
        break;
      case 'not_permitted_calls_total':
      case 'not_permitted_calls':
        r.counters.rejected = (r.counters.rejected ?? 0) + s.value;
        break;
      case 'calls_seconds_count':
      case 'calls_total':
      case 'calls':
        if (kind === 'not_permitted') r.counters.rejected = (r.counters.rejected ?? 0) + s.value;
        else {
          r.counters.calls = (r.counters.calls ?? 0) + s.value;
          if (kind === 'failed') r.counters.failures = (r.counters.failures ?? 0) + s.value;
        }
        break;
    }
  }
  return [...byBreaker.values()];
}

const OPOSSUM_EVENT = /^circuit_(fire|success|failure|timeout|reject|open|halfOpen|half_open|close|fallback|semaphoreLocked|healthCheckFailed)(?:_total)?$/;

function eventCounters(events: Map<string, number>): BreakerCounters {
  const get = (...names: string[]) => {
    let any = false;
    let sum = 0;
    for (const n of names) {
      const v = events.get(n);
      if (v !== undefined) {
        any = true;
        sum += v;
      }
    }
    return any ? sum : undefined;
  };
  const c: BreakerCounters = {};
  const set = (k: keyof BreakerCounters, v: number | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  const calls = get('fire');
  set('calls', calls);
  // prom-client shows a labelled series only once it was incremented: with fires counted, an event
  // series that is missing has happened zero times (so rejected/s is 0, not unknown, until the first rejection).
  set('failures', get('failure') ?? (calls !== undefined ? 0 : undefined));
  set('rejected', get('reject') ?? (calls !== undefined ? 0 : undefined));
  set('opens', get('open'));
  set('halfOpens', get('halfOpen', 'half_open'));
  set('closes', get('close'));
  return c;
}

export function opossumReadings(samples: readonly InstantSample[], t: number): BreakerReading[] {
  const events = new Map<string, { labels: Labels; events: Map<string, number> }>();
  for (const s of samples) {
    const n = s.labels.__name__ ?? '';
    let event: string | undefined;
    if ((n === 'circuit' || n === 'circuit_total') && s.labels.event) event = s.labels.event;
    else event = OPOSSUM_EVENT.exec(n)?.[1];
    if (!event || !s.labels.name) continue;
    const key = `${serviceOf(s.labels)}\u0000${s.labels.name}`;
    let e = events.get(key);
    if (!e) events.set(key, (e = { labels: s.labels, events: new Map() }));
    e.events.set(event, (e.events.get(event) ?? 0) + s.value);
  }
  return [...events.values()].map(({ labels, events: ev }) => {
    const counters = eventCounters(ev);
    // Transitions are only known from counters; a breaker that never opened is closed.
    if (counters.opens === undefined && counters.closes === undefined) counters.opens = 0;
    return {
      service: serviceOf(labels),
      name: labels.name!,
      t,
      source: 'opossum' as const,
      ...(labels.instance ? { instance: labels.instance } : {}),
      counters,
    };
  });
}

const POLLY_EVENTS: Record<string, 'opens' | 'halfOpens' | 'closes'> = { OnCircuitOpened: 'opens', OnCircuitHalfOpened: 'halfOpens', OnCircuitClosed: 'closes' };

export function pollyReadings(samples: readonly InstantSample[], t: number): BreakerReading[] {
  const byBreaker = new Map<string, BreakerReading & { counters: BreakerCounters }>();
  for (const s of samples) {
    const n = s.labels.__name__ ?? '';
    if (n !== 'resilience_polly_strategy_events_total' && n !== 'resilience_polly_strategy_events') continue;
    const field = POLLY_EVENTS[s.labels.event_name ?? ''];
    if (!field) continue;
    const name = s.labels.strategy_name || s.labels.pipeline_name || 'circuit-breaker';
    const service = serviceOf(s.labels);
    const key = `${service}\u0000${name}`;
    let r = byBreaker.get(key);
    if (!r) byBreaker.set(key, (r = { service, name, t, source: 'polly', counters: { opens: 0, closes: 0 }, ...(s.labels.pipeline_instance ? { instance: s.labels.pipeline_instance } : {}) }));
    r.counters[field] = (r.counters[field] ?? 0) + s.value;
  }
  return [...byBreaker.values()];
}

const ENVOY_OPEN = /^envoy_cluster_circuit_breakers_(default|high)_(cx|rq|cx_pool|rq_pending|rq_retry)_open$/;

export function envoyReadings(samples: readonly InstantSample[], t: number): BreakerReading[] {
  const clusters = new Map<string, { labels: Labels; open: boolean }>();
  for (const s of samples) {
    if (!ENVOY_OPEN.test(s.labels.__name__ ?? '')) continue;
    const cluster = s.labels.envoy_cluster_name ?? s.labels.cluster_name ?? '';
    if (!cluster) continue;
    const key = `${serviceOf(s.labels)}\u0000${cluster}`;
    let c = clusters.get(key);
    if (!c) clusters.set(key, (c = { labels: s.labels, open: false }));
    if (s.value >= 1) c.open = true;
  }
  return [...clusters.values()].map(({ labels, open }) => {
    const cluster = labels.envoy_cluster_name ?? labels.cluster_name ?? '';
    return {
      service: serviceOf(labels),
      name: cluster,
      target: cluster,
      t,
      source: 'envoy' as const,
      state: open ? ('open' as const) : ('closed' as const),
      ...(labels.instance ? { instance: labels.instance } : {}),
    };
  });
}

/**
 * Whether any reader above looks at samples of this metric (every other sample is ignored by all of
 * them): lets observers drop the rest before building anything. Keep it in step with the readers.
 */
export function isBreakerMetricName(name: string): boolean {
  return (
    name.startsWith('resilience4j_circuitbreaker_') ||
    name === 'circuit' ||
    name === 'circuit_total' ||
    name === 'resilience_polly_strategy_events_total' ||
    name === 'resilience_polly_strategy_events' ||
    OPOSSUM_EVENT.test(name) ||
    ENVOY_OPEN.test(name)
  );
}

/** Every breaker reading in one scrape's samples. */
export function breakerReadingsFromSamples(samples: readonly InstantSample[], t: number): BreakerReading[] {
  return [...resilience4jReadings(samples, t), ...opossumReadings(samples, t), ...pollyReadings(samples, t), ...envoyReadings(samples, t)];
}

/** `circuit.state` values libraries and people write, normalised. */
export function normaliseBreakerState(value: string): BreakerState | undefined {
  const v = value.trim().toLowerCase().replace(/[-\s]/g, '_');
  if (v === 'halfopen' || v === 'half_open') return 'half_open';
  if (v === 'open' || v === 'closed' || v === 'forced_open' || v === 'disabled' || v === 'metrics_only') return v;
  if (v === 'close') return 'closed';
  return undefined;
}

export interface BreakerSpanFacts {
  service: string;
  /** Span end, Unix ms. */
  t: number;
  attributes: Readonly<Record<string, unknown>>;
  /** The peer the client span called (the service graph's peer naming). */
  target?: string;
}

/** A reading from a client span carrying `circuit.state` (and `circuit.name`), or undefined. */
export function breakerReadingFromSpan(span: BreakerSpanFacts): BreakerReading | undefined {
  const raw = span.attributes['circuit.state'] ?? span.attributes['circuit_breaker.state'];
  if (typeof raw !== 'string') return undefined;
  const state = normaliseBreakerState(raw);
  if (!state) return undefined;
  const name = span.attributes['circuit.name'] ?? span.attributes['circuit_breaker.name'] ?? span.target ?? 'circuit';
  return { service: span.service, name: String(name), t: span.t, source: 'span', state, ...(span.target ? { target: span.target } : {}) };
}

export interface EdgeWindowStats {
  client: string;
  server: string;
  /** Unix ms of the window's end. */
  t: number;
  calls: number;
  /** Client spans with an error status and no server span (no request reached the server). */
  errorsWithoutServer: number;
  /** Of those, the ones that ended in well under the edge's usual latency. */
  fastErrorsWithoutServer: number;
}

/**
 * Inference from traces: an edge whose calls mostly fail fast without reaching the server, in a
 * burst (at least `minCalls`), looks like an open breaker in the client. Marked `suspected_open`
 * and source `inferred`; never stated as fact.
 */
export function suspectOpenBreaker(stats: EdgeWindowStats, minCalls = 5, share = 0.8): BreakerReading | undefined {
  if (stats.calls < minCalls || stats.fastErrorsWithoutServer < share * stats.calls) return undefined;
  return { service: stats.client, name: `${stats.server} (inferred)`, target: stats.server, t: stats.t, source: 'inferred', state: 'suspected_open' };
}
