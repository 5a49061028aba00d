// The breaker model: drawn state histories through the tracker, and readings from each library's
// real exposition text (tests/fixtures/exposition, sources in its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everyExpositionSample, readExposition, samplesFromText } from '../../../tests/support/exposition-samples';
import { BreakerTracker, stateFromTransitionCounters, type BreakerReading, type BreakerState } from './model';
import {
  breakerReadingFromSpan,
  breakerReadingsFromSamples,
  envoyReadings,
  isBreakerMetricName,
  normaliseBreakerState,
  opossumReadings,
  pollyReadings,
  resilience4jReadings,
  suspectOpenBreaker,
} from './sources';

const S = 1000;
const T0 = 1_700_000_000_000;

/**
 * Draws a state history, one letter per reading 5 s apart: c closed, o open, h half-open,
 * f forced open, d disabled; `.` = no reading.
 */
function drawn(history: string): BreakerReading[] {
  const letter: Record<string, BreakerState> = { c: 'closed', o: 'open', h: 'half_open', f: 'forced_open', d: 'disabled' };
  const out: BreakerReading[] = [];
  [...history].forEach((ch, i) => {
    if (ch === '.') return;
    out.push({ service: 'orders', name: 'payments', t: T0 + i * 5 * S, source: 'resilience4j', state: letter[ch]! });
  });
  return out;
}

test('transitions, since and flapping from a drawn history', () => {
  const tracker = new BreakerTracker({ flapTransitions: 4, flapWindowMs: 60 * S, forgetAfterMs: 3600 * S });
  const transitions = drawn('ccoo.hhcc').map((r) => tracker.observe(r)).filter(Boolean);
  assert.deepEqual(
    transitions.map((t) => `${t!.from ?? '-'}>${t!.to}@${(t!.t - T0) / S}`),
    ['->closed@0', 'closed>open@10', 'open>half_open@25', 'half_open>closed@35'],
  );
  const snap = tracker.get({ service: 'orders', name: 'payments' })!;
  assert.equal(snap.state, 'closed');
  assert.equal(snap.since, T0 + 35 * S);
  assert.equal(snap.flapping, false);
  for (const r of drawn('.........ohohoh')) tracker.observe(r);
  assert.equal(tracker.get({ service: 'orders', name: 'payments' })!.flapping, false, 'open ⇄ half-open: probing a dependency still down, not flapping');
  for (const r of drawn('...............hcocoh')) tracker.observe(r);
  assert.equal(tracker.get({ service: 'orders', name: 'payments' })!.flapping, true, 'closed, open, closed, open within a minute');
});

test('by default, two incidents in ten minutes (open and close twice) are not flapping; three are', () => {
  const tracker = new BreakerTracker();
  // One reading a minute: closed, an incident (open, probes, close), calm, another, calm, a third.
  const minutes = (history: string) =>
    [...history].map((ch, i) => ({ service: 'orders', name: 'payments', t: T0 + i * 60 * S, source: 'opossum' as const, state: ({ c: 'closed', o: 'open', h: 'half_open' } as const)[ch as 'c' | 'o' | 'h'] }));
  const readings = minutes('cohccohcc');
  for (const r of readings) tracker.observe(r);
  assert.equal(tracker.get({ service: 'orders', name: 'payments' })!.flapping, false, 'two openings and closings');
  for (const r of minutes('cohccohccoc').slice(9)) tracker.observe(r);
  assert.equal(tracker.get({ service: 'orders', name: 'payments' })!.flapping, true, 'a third within ten minutes');
});

test('older readings than the last are ignored; snapshots sort worst first and forget the silent', () => {
  const tracker = new BreakerTracker();
  tracker.observe({ service: 'a', name: 'x', t: T0 + 10 * S, source: 'envoy', state: 'closed' });
  assert.equal(tracker.observe({ service: 'a', name: 'x', t: T0, source: 'envoy', state: 'open' }), undefined);
  tracker.observe({ service: 'b', name: 'y', t: T0 + 10 * S, source: 'envoy', state: 'open' });
  tracker.observe({ service: 'c', name: 'z', t: T0 + 10 * S, source: 'envoy', state: 'half_open' });
  assert.deepEqual(tracker.snapshots(T0 + 20 * S).map((s) => s.state), ['open', 'half_open', 'closed']);
  assert.deepEqual(tracker.snapshots(T0 + 2 * 3600 * S), []);
});

test('rates from cumulative counters between readings', () => {
  const tracker = new BreakerTracker();
  tracker.observe({ service: 'a', name: 'x', t: T0, source: 'opossum', counters: { calls: 100, rejected: 0, opens: 0, closes: 0 } });
  tracker.observe({ service: 'a', name: 'x', t: T0 + 10 * S, source: 'opossum', counters: { calls: 150, rejected: 20, opens: 1, closes: 0 } });
  const s = tracker.get({ service: 'a', name: 'x' })!;
  assert.equal(s.state, 'open');
  assert.equal(s.callsPerSecond, 5);
  assert.equal(s.rejectedPerSecond, 2);
});

test('state from transition counters: the one that moved decides; several → opens vs closes', () => {
  assert.equal(stateFromTransitionCounters(undefined, { opens: 0, closes: 0 }, undefined), 'closed');
  assert.equal(stateFromTransitionCounters(undefined, { opens: 2, closes: 1 }, undefined), 'open');
  assert.equal(stateFromTransitionCounters({ opens: 1, closes: 0 }, { opens: 1, closes: 1 }, 'open'), 'closed');
  assert.equal(stateFromTransitionCounters({ opens: 1, halfOpens: 0, closes: 0 }, { opens: 1, halfOpens: 1, closes: 0 }, 'open'), 'half_open');
  assert.equal(stateFromTransitionCounters({ opens: 1, closes: 1 }, { opens: 2, closes: 2 }, 'closed'), 'closed');
  assert.equal(stateFromTransitionCounters({ opens: 1, closes: 1 }, { opens: 1, closes: 1 }, 'open'), 'open', 'nothing moved: unchanged');
  assert.equal(stateFromTransitionCounters({ opens: 1, closes: 0, rejected: 1 }, { opens: 1, closes: 0, rejected: 3 }, 'half_open'), 'open');
});

test('a suspicion from traces does not override a library that spoke recently', () => {
  const tracker = new BreakerTracker();
  tracker.observe({ service: 'orders', name: 'payments', t: T0, source: 'opossum', state: 'closed' });
  tracker.observe({ service: 'orders', name: 'payments', t: T0 + 5 * S, source: 'inferred', state: 'suspected_open' });
  assert.equal(tracker.get({ service: 'orders', name: 'payments' })!.state, 'closed');
});

test('resilience4j 1.x docs sample: closed, failure rate 20 %, not-permitted calls', () => {
  const r = resilience4jReadings(samplesFromText(readExposition('resilience4j-1.x-docs-micrometer-prometheus.txt')), T0);
  assert.equal(r.length, 1);
  assert.equal(r[0]!.name, 'backendA');
  assert.equal(r[0]!.state, 'closed');
  assert.equal(r[0]!.failureRate, 20);
  assert.equal(r[0]!.counters!.rejected, 0);
});

test('resilience4j 0.x: one state series whose value is the state order', () => {
  const r = resilience4jReadings(samplesFromText(readExposition('resilience4j-0.x-docs-springboot2-prometheus.txt')), T0);
  assert.ok(r.length >= 1);
  for (const b of r) assert.equal(b.state, 'closed');
  const open = resilience4jReadings(samplesFromText('resilience4j_circuitbreaker_state{name="b",} 1.0'), T0);
  assert.equal(open[0]!.state, 'open');
});

test('resilience4j 2.x names: state label, calls_seconds_count by kind, not_permitted_calls_total, slow-call rate', () => {
  const text = [
    'resilience4j_circuitbreaker_state{application="orders",name="payments",state="open",} 1.0',
    'resilience4j_circuitbreaker_state{application="orders",name="payments",state="closed",} 0.0',
    'resilience4j_circuitbreaker_failure_rate{application="orders",name="payments",} 62.5',
    'resilience4j_circuitbreaker_slow_call_rate{application="orders",name="payments",} -1.0',
    'resilience4j_circuitbreaker_calls_seconds_count{application="orders",kind="successful",name="payments",} 30.0',
    'resilience4j_circuitbreaker_calls_seconds_count{application="orders",kind="failed",name="payments",} 50.0',
    'resilience4j_circuitbreaker_not_permitted_calls_total{application="orders",kind="not_permitted",name="payments",} 12.0',
  ].join('\n');
  const [b] = resilience4jReadings(samplesFromText(text), T0);
  assert.deepEqual(
    { service: b!.service, state: b!.state, failureRate: b!.failureRate, slow: b!.slowCallRate, counters: b!.counters },
    { service: 'orders', state: 'open', failureRate: 62.5, slow: undefined, counters: { calls: 80, failures: 50, rejected: 12 } },
  );
});

test('opossum-prometheus live capture: payments opened and closed again, inventory never opened', () => {
  const r = opossumReadings(samplesFromText(readExposition('opossum-prometheus-live-two-breakers.txt')), T0);
  const byName = Object.fromEntries(r.map((b) => [b.name, b]));
  assert.deepEqual(byName.payments!.counters, { calls: 8, failures: 3, rejected: 4, opens: 1, closes: 1 });
  assert.deepEqual(byName.inventory!.counters, { calls: 9, failures: 1, rejected: 0, opens: 0 }, 'never rejected: the missing reject series is zero');
  const tracker = new BreakerTracker();
  for (const b of r) tracker.observe(b);
  assert.equal(tracker.get({ service: 'unknown', name: 'payments' })!.state, 'closed');
  assert.equal(tracker.get({ service: 'unknown', name: 'inventory' })!.state, 'closed');
});

test('opossum driven over scrapes: open, then close', () => {
  const tracker = new BreakerTracker();
  const scrape = (t: number, lines: string[]) => {
    for (const b of opossumReadings(samplesFromText(lines.join('\n')), t)) tracker.observe({ ...b, service: 'orders' });
    return tracker.get({ service: 'orders', name: 'payments' })!.state;
  };
  assert.equal(scrape(T0, ['circuit{name="payments",event="fire"} 5', 'circuit{name="payments",event="success"} 5']), 'closed');
  assert.equal(scrape(T0 + 5 * S, ['circuit{name="payments",event="fire"} 9', 'circuit{name="payments",event="failure"} 4', 'circuit{name="payments",event="open"} 1']), 'open');
  assert.equal(scrape(T0 + 10 * S, ['circuit{name="payments",event="open"} 1', 'circuit{name="payments",event="halfOpen"} 1']), 'half_open');
  assert.equal(scrape(T0 + 15 * S, ['circuit{name="payments",event="open"} 1', 'circuit{name="payments",event="halfOpen"} 1', 'circuit{name="payments",event="close"} 1']), 'closed');
});

test('Polly v8 events after the OTLP→Prometheus translation', () => {
  const line = (event: string, v: number) =>
    `resilience_polly_strategy_events_total{job="checkout",event_name="${event}",event_severity="Error",pipeline_name="payments-pipeline",strategy_name="payments-breaker"} ${v}`;
  const tracker = new BreakerTracker();
  const at = (t: number, opened: number, halfOpened: number, closed: number) => {
    const text = [line('OnCircuitOpened', opened), line('OnCircuitHalfOpened', halfOpened), line('OnCircuitClosed', closed), line('OnRetry', 9)].join('\n');
    for (const b of pollyReadings(samplesFromText(text), t)) tracker.observe(b);
    return tracker.get({ service: 'checkout', name: 'payments-breaker' })!.state;
  };
  assert.equal(at(T0, 0, 0, 0), 'closed');
  assert.equal(at(T0 + 5 * S, 1, 0, 0), 'open');
  assert.equal(at(T0 + 10 * S, 1, 1, 0), 'half_open');
  assert.equal(at(T0 + 15 * S, 1, 1, 1), 'closed');
});

test('Envoy: a cluster whose breaker limit is reached is open; the recorded excerpt is closed', () => {
  const r = envoyReadings(samplesFromText(readExposition('envoy-contour-parser-test-excerpt.txt')), T0);
  assert.ok(r.length >= 1);
  assert.ok(r.every((b) => b.state === 'closed'));
  const open = envoyReadings(samplesFromText('envoy_cluster_circuit_breakers_default_rq_pending_open{envoy_cluster_name="payments"} 1'), T0);
  assert.deepEqual(open.map((b) => [b.name, b.state, b.target]), [['payments', 'open', 'payments']]);
});

test('one scrape with several libraries yields each once', () => {
  const text = ['opossum-prometheus-live-two-breakers.txt', 'resilience4j-1.x-docs-micrometer-prometheus.txt'].map(readExposition).join('\n');
  const r = breakerReadingsFromSamples(samplesFromText(text), T0);
  assert.deepEqual(r.map((b) => `${b.source}:${b.name}`).sort(), ['opossum:inventory', 'opossum:payments', 'resilience4j:backendA']);
});

test('spans: circuit.state normalised; no attribute, no reading', () => {
  assert.equal(normaliseBreakerState('half-open'), 'half_open');
  assert.equal(normaliseBreakerState('halfOpen'), 'half_open');
  assert.equal(normaliseBreakerState('OPEN'), 'open');
  assert.equal(normaliseBreakerState('weird'), undefined);
  const r = breakerReadingFromSpan({ service: 'orders', t: T0, attributes: { 'circuit.state': 'open', 'circuit.name': 'payments' }, target: 'payments' });
  assert.deepEqual(r, { service: 'orders', name: 'payments', t: T0, source: 'span', state: 'open', target: 'payments' });
  assert.equal(breakerReadingFromSpan({ service: 'orders', t: T0, attributes: {} }), undefined);
});

test('inferred: a burst of fast failures that never reach the server is a suspected open breaker', () => {
  assert.equal(suspectOpenBreaker({ client: 'orders', server: 'payments', t: T0, calls: 3, errorsWithoutServer: 3, fastErrorsWithoutServer: 3 }), undefined, 'too few calls');
  assert.equal(suspectOpenBreaker({ client: 'orders', server: 'payments', t: T0, calls: 50, errorsWithoutServer: 50, fastErrorsWithoutServer: 10 }), undefined, 'slow failures: timeouts, not a breaker');
  const r = suspectOpenBreaker({ client: 'orders', server: 'payments', t: T0, calls: 50, errorsWithoutServer: 48, fastErrorsWithoutServer: 45 });
  assert.equal(r?.state, 'suspected_open');
  assert.equal(r?.source, 'inferred');
});

test('the name filter keeps every sample a reader reads: the readings of the filtered samples are the same', () => {
  const extra = [
    'resilience_polly_strategy_events_total{job="checkout",event_name="OnCircuitOpened",strategy_name="b"} 1',
    'resilience_polly_strategy_events{job="checkout",event_name="OnCircuitClosed",strategy_name="b"} 1',
    'circuit_total{name="p",event="fire"} 3',
    'circuit_fire_total{name="q"} 2',
    'circuit_halfOpen{name="q"} 1',
    'resilience4j_circuitbreaker_calls{name="r",kind="failed"} 4',
    'http_requests_total{job="x"} 5',
  ];
  const samples = everyExpositionSample(extra);
  const kept = samples.filter((s) => isBreakerMetricName(s.labels.__name__ ?? ''));
  assert.ok(kept.length < samples.length);
  const all = breakerReadingsFromSamples(samples, T0);
  assert.ok(all.length >= 6);
  assert.deepEqual(breakerReadingsFromSamples(kept, T0), all);
  assert.equal(isBreakerMetricName('bench_metric_1'), false);
  assert.equal(isBreakerMetricName('circuitx'), false);
});
