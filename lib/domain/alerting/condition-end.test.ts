// When an alert (and its incident) ends, with drawn series: the built-in jump rules measure over a
// 45 s window and resolve a keep_firing_for after it is clean, but the episode ends when the
// condition last held — within an evaluation interval (15 s) and an ingest step of the
// healing — and a single good slice in the middle of an incident neither resolves nor splits it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { addToHistogram, emptyHistogram } from '../service-graph/latency-histogram';
import { groupIncidents, type AlertEpisode } from '../incidents/incidents';
import { builtinRule, detectRedJumps, RED_JUMP, RedDeltaTracker } from './builtin-rules';
import type { RedMinute } from './signals';
import { RuleAlerts, type AlertTransition, type RuleTiming } from './state-machine';

const EVAL_MS = 15_000;
const STEP_MS = 1_000; // spans land in the current minute's rollup as they come (the collector adds every 2 s)
const CALLS_PER_STEP = 4;
const T0 = 100 * 60_000; // a minute boundary; 30 healthy minutes before it are the baseline

interface Health {
  errorRate: number;
  latencyMs: number;
}
const HEALTHY: Health = { errorRate: 0, latencyMs: 20 };

/** Per service, its health at time t (relative to T0). */
type Drawing = Record<string, (t: number) => Health>;

interface Run {
  transitions: Record<'errorRate' | 'p95', AlertTransition[]>;
}

/** Draws per-minute RED rows every second and evaluates both jump rules every 15 s until `untilMs`. */
function simulate(drawing: Drawing, untilMs: number): Run {
  const rows = new Map<string, RedMinute & { histogram: number[] }>();
  const row = (service: string, minuteMs: number) => {
    const key = `${service}@${minuteMs}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { service, minuteMs, calls: 0, errors: 0, histogram: emptyHistogram() }));
    return r;
  };
  const add = (service: string, atMs: number, calls: number, h: Health) => {
    const r = row(service, Math.floor(atMs / 60_000) * 60_000);
    r.calls += calls;
    r.errors += Math.round(calls * h.errorRate);
    addToHistogram(r.histogram, h.latencyMs * 1000, calls);
  };
  for (const service of Object.keys(drawing)) {
    for (let m = T0 - 30 * 60_000; m < T0; m += 60_000) add(service, m, CALLS_PER_STEP * 30, HEALTHY);
  }
  const tracker = new RedDeltaTracker(RED_JUMP.recentWindowMs);
  const errorRule = new RuleAlerts(builtinRule('builtin:error-rate-jump')!);
  const latencyRule = new RuleAlerts(builtinRule('builtin:latency-jump')!);
  const run: Run = { transitions: { errorRate: [], p95: [] } };
  for (let t = 0; t <= untilMs; t += STEP_MS) {
    const now = T0 + t;
    for (const [service, health] of Object.entries(drawing)) add(service, now, CALLS_PER_STEP, health(t));
    if (t % EVAL_MS !== 0) continue;
    // What the database would answer: fresh rows, not the objects being added to.
    const read = [...rows.values()].map((r) => ({ ...r, histogram: [...r.histogram] }));
    const minute = Math.floor(now / 60_000) * 60_000;
    const recent = tracker.observe(read, now);
    const jumps = detectRedJumps(read, minute - 60_000, recent ?? undefined, recent ? tracker.slices : undefined);
    run.transitions.errorRate.push(...errorRule.evaluate(jumps.errorRate, now));
    run.transitions.p95.push(...latencyRule.evaluate(jumps.p95, now));
  }
  return run;
}

const between = (from: number, to: number, bad: Health) => (t: number) => (t >= from && t < to ? bad : HEALTHY);
const DOWN: Health = { errorRate: 1, latencyMs: 5 };
const SLOW: Health = { errorRate: 0, latencyMs: 800 };

/** Episodes as alert_history gives them (lib/db/alerting-queries.ts): first `→ firing` to the `→ resolved` after it. */
function episodes(ruleId: string, alertname: string, signal: string, transitions: readonly AlertTransition[]): AlertEpisode[] {
  const out: AlertEpisode[] = [];
  for (const t of transitions) {
    if (t.to === 'firing') out.push({ id: `${ruleId}|${t.key}|${t.atMs}`, ruleId, alertname, signal, labels: t.labels, summary: '', startMs: t.atMs, endMs: null, value: t.value });
    if (t.to === 'resolved') {
      const open = out.find((e) => e.endMs === null && e.ruleId === ruleId && e.id.includes(t.key));
      if (open) open.endMs = t.endedAtMs ?? t.atMs;
    }
  }
  return out;
}

const fired = (ts: readonly AlertTransition[]) => ts.filter((t) => t.to === 'firing');
const resolved = (ts: readonly AlertTransition[]) => ts.filter((t) => t.to === 'resolved');

describe('an alert ends when its condition last held', () => {
  it('error rate: payments fails from 120 s to 181 s; the alert ends within an evaluation (+ an ingest step) of 181 s, though confirmed a minute later', () => {
    const heal = 181_000;
    const run = simulate({ payments: between(120_000, heal, DOWN) }, 400_000);
    const ts = run.transitions.errorRate;
    assert.equal(fired(ts).length, 1);
    assert.equal(resolved(ts).length, 1);
    const r = resolved(ts)[0]!;
    const end = r.endedAtMs! - T0;
    assert.ok(end >= heal - STEP_MS && end <= heal + EVAL_MS + STEP_MS, `ended at ${end} ms, healed at ${heal}`);
    // Prometheus's timing is kept: the resolution is confirmed once the 45 s window is clean and keep_firing_for has passed.
    assert.ok(r.atMs - T0 >= heal + RED_JUMP.recentWindowMs, `confirmed at ${r.atMs - T0} ms`);
    assert.ok(fired(ts)[0]!.atMs - T0 <= 120_000 + EVAL_MS);
  });

  it('latency: notifier is slow from 120 s to 187 s; the alert ends within an evaluation of 187 s', () => {
    const heal = 187_000;
    const run = simulate({ notifier: between(120_000, heal, SLOW) }, 400_000);
    const ts = run.transitions.p95;
    assert.equal(fired(ts).length, 1);
    assert.equal(resolved(ts).length, 1);
    const end = resolved(ts)[0]!.endedAtMs! - T0;
    assert.ok(end >= heal - STEP_MS && end <= heal + EVAL_MS + STEP_MS, `ended at ${end} ms, healed at ${heal}`);
    assert.equal(run.transitions.errorRate.length, 0);
  });

  it('a single good slice in the middle (one evaluation interval) neither resolves the alert nor moves its end', () => {
    const heal = 241_000;
    const gap = (t: number) => (t >= 165_000 && t < 180_000 ? HEALTHY : between(120_000, heal, DOWN)(t));
    const ts = simulate({ payments: gap }, 420_000).transitions.errorRate;
    assert.equal(fired(ts).length, 1, 'fired once');
    assert.equal(resolved(ts).length, 1, 'resolved once');
    const end = resolved(ts)[0]!.endedAtMs! - T0;
    assert.ok(end >= heal - STEP_MS && end <= heal + EVAL_MS + STEP_MS, `ended at ${end} ms, healed at ${heal}`);
  });

  it('a single bad slice after healing (a straggler) extends the end to it, still one episode', () => {
    const heal = 181_000;
    const straggle = (t: number) => (t >= 200_000 && t < 204_000 ? DOWN : between(120_000, heal, DOWN)(t));
    const ts = simulate({ payments: straggle }, 420_000).transitions.errorRate;
    assert.equal(fired(ts).length, 1);
    assert.equal(resolved(ts).length, 1);
    const end = resolved(ts)[0]!.endedAtMs! - T0;
    assert.ok(end >= 204_000 - STEP_MS && end <= 204_000 + EVAL_MS + STEP_MS, `ended at ${end} ms`);
  });

  it("the incident (payments and its caller orders failing) ends with its alerts, and suggests payments", () => {
    const heal = 181_000;
    const run = simulate({ payments: between(120_000, heal, DOWN), orders: between(121_000, heal, { errorRate: 0.6, latencyMs: 30 }) }, 400_000);
    const eps = episodes('builtin:error-rate-jump', 'ErrorRateJump', 'error_rate', run.transitions.errorRate);
    assert.equal(eps.length, 2);
    const incidents = groupIncidents(eps, [{ source: 'service:orders', target: 'service:payments' }]);
    assert.equal(incidents.length, 1);
    const incident = incidents[0]!;
    assert.equal(incident.rootCause?.service, 'payments');
    const start = incident.startMs - T0;
    const end = incident.endMs! - T0;
    assert.ok(start >= 120_000 && start <= 120_000 + EVAL_MS, `started at ${start} ms`);
    assert.ok(end >= heal - STEP_MS && end <= heal + EVAL_MS + STEP_MS, `ended at ${end} ms, healed at ${heal}`);
  });
});

describe('rules-file alerts keep Prometheus semantics and end at their last true evaluation', () => {
  const rule: RuleTiming = { name: 'Errors', forMs: 30_000, keepFiringForMs: 30_000, labels: {}, annotations: {} };
  const sample = [{ labels: { service: 'payments' }, value: 1 }];

  it('`for` and keep_firing_for as in Prometheus; the end is the last evaluation that returned the alert', () => {
    const m = new RuleAlerts(rule);
    const ts: AlertTransition[] = [];
    for (let t = 0; t <= 180_000; t += EVAL_MS) ts.push(...m.evaluate(t <= 60_000 ? sample : [], t));
    assert.deepEqual(
      ts.map((t) => [t.to, t.atMs]),
      [['pending', 0], ['firing', 30_000], ['resolved', 105_000]],
    );
    assert.equal(ts[2]!.endedAtMs, 60_000);
  });

  it('returning within keep_firing_for is one episode, ended at its last true evaluation', () => {
    const m = new RuleAlerts(rule);
    const ts: AlertTransition[] = [];
    for (let t = 0; t <= 240_000; t += EVAL_MS) ts.push(...m.evaluate(t <= 60_000 || t === 90_000 ? sample : [], t));
    assert.deepEqual(
      ts.map((t) => [t.to, t.atMs]),
      [['pending', 0], ['firing', 30_000], ['resolved', 135_000]],
    );
    assert.equal(ts[2]!.endedAtMs, 90_000);
  });

  it("a sample's heldUntilMs moves the end earlier, never before the alert fired nor later than the evaluation", () => {
    const m = new RuleAlerts({ ...rule, forMs: 0, keepFiringForMs: 0 });
    m.evaluate([{ ...sample[0]!, heldUntilMs: 9_000 }], 10_000);
    m.evaluate([{ ...sample[0]!, heldUntilMs: 17_000 }], 25_000);
    const [r] = m.evaluate([], 40_000);
    assert.equal(r?.to, 'resolved');
    assert.equal(r?.endedAtMs, 17_000);
    const early = new RuleAlerts({ ...rule, forMs: 0, keepFiringForMs: 0 });
    early.evaluate([{ ...sample[0]!, heldUntilMs: 1_000 }], 10_000);
    assert.equal(early.evaluate([], 25_000)[0]?.endedAtMs, 10_000);
  });

  it('a rule switched off ends its alerts at once', () => {
    const m = new RuleAlerts({ ...rule, forMs: 0 });
    m.evaluate(sample, 0);
    const [r] = m.clear(20_000);
    assert.deepEqual([r?.to, r?.atMs, r?.endedAtMs], ['resolved', 20_000, 20_000]);
  });
});
