// Rule evaluation with drawn series: each character of a drawing is one 15 s step
// ('_' = no sample, a digit = that value), replayed through the evaluator with an injected clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryQueryable } from '../promql';
import { emptyHistogram, addToHistogram } from '../service-graph/latency-histogram';
import { detectRedJumps, BUILTIN_RULES } from './builtin-rules';
import { AlertEvaluator } from './evaluator';
import { FanoutQueryable } from './fanout-queryable';
import { RedQueryable, type OperationRedMinute } from './red-queryable';
import { parseRulesFile, RulesFileError } from './rules-file';
import type { RedMinute, SignalSources } from './signals';
import { RuleAlerts } from './state-machine';
import { expandTemplate } from './template';

const STEP = 15_000;
const T0 = 1_700_000_000_000;

function drawn(q: MemoryQueryable, labels: Record<string, string>, drawing: string): void {
  const samples = [...drawing.replace(/\s/g, '')].flatMap((ch, i) => (ch === '_' ? [] : [{ t: T0 + i * STEP, v: Number(ch) }]));
  q.add(labels, samples);
}

const noSources: SignalSources = {
  health: { breakers: async () => [], lagGroups: async () => [] },
  red: { serviceMinutes: async () => [] },
};

/** Replays `steps` evaluations; returns each step's state of the alert with `match` labels ('' = none). */
async function replay(rulesYaml: string, q: MemoryQueryable, steps: number, match: Record<string, string> = {}): Promise<string> {
  const ev = new AlertEvaluator(q, noSources, []);
  ev.setFileRules(parseRulesFile(rulesYaml));
  let out = '';
  for (let i = 0; i < steps; i++) {
    const [round] = await ev.evaluate(T0 + i * STEP, () => true);
    assert.equal(round!.error, undefined);
    const a = round!.alerts.find((x) => Object.entries(match).every(([k, v]) => x.labels[k] === v));
    out += a ? { pending: 'P', firing: 'F', resolved: 'R' }[a.state] : '.';
  }
  return out;
}

const HIGH_RULE = (extra = '') => `
groups:
  - name: demo
    rules:
      - alert: High
        expr: up_value > 1
        for: 30s
${extra}
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.job }} at {{ $value }}"
`;

describe('alert state machine over drawn series', () => {
  it('pending → firing after `for`, resolved when the condition clears', async () => {
    const q = new MemoryQueryable();
    //                                   0123456789
    drawn(q, { __name__: 'up_value', job: 'a' }, '0 2 2 2 2 0 0 0 0 0');
    // lookback keeps the last sample 5 min, so the series stays at 0 (condition false) after step 5.
    assert.equal(await replay(HIGH_RULE(), q, 10), '.PPFFRRRRR');
  });

  it('a blip shorter than `for` never fires', async () => {
    const q = new MemoryQueryable();
    drawn(q, { __name__: 'up_value', job: 'a' }, '0 2 2 0 2 0 0');
    assert.equal(await replay(HIGH_RULE(), q, 7), '.PP.P..');
  });

  it('keep_firing_for holds a firing alert through a short dip', async () => {
    const q = new MemoryQueryable();
    drawn(q, { __name__: 'up_value', job: 'a' }, '0 2 2 2 0 2 0 0 0 0');
    assert.equal(await replay(HIGH_RULE('        keep_firing_for: 30s'), q, 10), '.PPFFFFFRR');
  });

  it('tracks each label set on its own and templates annotations', async () => {
    const q = new MemoryQueryable();
    drawn(q, { __name__: 'up_value', job: 'a' }, '2 2 2 2');
    drawn(q, { __name__: 'up_value', job: 'b' }, '0 0 2 2');
    assert.equal(await replay(HIGH_RULE(), q, 4, { job: 'a' }), 'PPFF');
    assert.equal(await replay(HIGH_RULE(), q, 4, { job: 'b' }), '..PP');
    const ev = new AlertEvaluator(q, noSources, []);
    ev.setFileRules(parseRulesFile(HIGH_RULE()));
    const [round] = await ev.evaluate(T0, () => true);
    const a = round!.alerts[0]!;
    assert.deepEqual(a.labels, { job: 'a', severity: 'page', alertname: 'High' });
    assert.equal(a.annotations.summary, 'a at 2');
  });

  it('a rule switched off resolves its firing alerts', async () => {
    const m = new RuleAlerts({ name: 'X', forMs: 0, keepFiringForMs: 0, labels: {}, annotations: {} });
    m.evaluate([{ labels: { s: '1' }, value: 1 }], 0);
    assert.equal(m.active[0]!.state, 'firing');
    const t = m.clear(1000);
    assert.deepEqual(t.map((x) => `${x.from}→${x.to}`), ['firing→resolved']);
  });
});

describe('rules file', () => {
  it('refuses recording rules, bad PromQL and bad durations with where and why', () => {
    assert.throws(() => parseRulesFile('groups: [{name: g, rules: [{record: x, expr: up}]}]'), /group "g", rule 1: recording rules \("record: x"\) are not supported/);
    assert.throws(() => parseRulesFile('groups: [{name: g, rules: [{alert: A, expr: "sum("}]}]'), (e: Error) => e instanceof RulesFileError && /group "g", rule 1 \(A\): invalid expr: 1:5: parse error/.test(e.message));
    assert.throws(() => parseRulesFile('groups: [{name: g, rules: [{alert: A, expr: up, for: soon}]}]'), /for: not a duration/);
    assert.throws(() => parseRulesFile('groups: [{name: g, rules: [{alert: A, expr: up, bogus: 1}]}]'), /Unrecognized key/);
    assert.throws(() => parseRulesFile('groups: [{name: g, rules: [{alert: A, expr: "up[5m]"}]}]'), /instant vector or scalar/);
    assert.throws(() => parseRulesFile('{ groups: ['), /not valid YAML/);
  });

  it('reads for, keep_firing_for, labels and annotations', () => {
    const [r] = parseRulesFile('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1m\n    keep_firing_for: 2m\n    labels: {team: x}\n');
    assert.deepEqual({ id: r!.id, forMs: r!.forMs, keep: r!.keepFiringForMs, labels: r!.labels }, { id: 'file:g/A', forMs: 60_000, keep: 120_000, labels: { team: 'x' } });
  });
});

describe('templates', () => {
  it('expands labels, value and the usual pipes; leaves unknown actions as written', () => {
    const data = { labels: { service: 'orders' }, value: 0.1234 };
    assert.equal(expandTemplate('{{ $labels.service }} {{ .Labels.service }} {{$value}}', data), 'orders orders 0.1234');
    assert.equal(expandTemplate('{{ $value | humanizePercentage }} {{ printf "%.1f" $value }}', data), '12.34% 0.1');
    assert.equal(expandTemplate('{{ $value | humanizeDuration }}', { labels: {}, value: 0.25 }), '250ms');
    assert.equal(expandTemplate('{{ range $x }}', data), '{{ range $x }}');
  });
});

describe('built-in rules', () => {
  const hist = (ms: number, n: number) => {
    const h = emptyHistogram();
    addToHistogram(h, ms * 1000, n);
    return h;
  };
  const minutes = (service: string, from: number, drawing: Array<[calls: number, errors: number, ms: number]>): RedMinute[] =>
    drawing.map(([calls, errors, ms], i) => ({ service, minuteMs: from + i * 60_000, calls, errors, histogram: hist(ms, calls) }));

  it('an error-rate jump fires against the service’s own median baseline, not a fixed threshold', () => {
    const base = Array.from({ length: 30 }, () => [100, 2, 20] as [number, number, number]);
    base[10] = [100, 60, 20]; // an earlier incident inside the baseline does not raise the bar
    const recentStart = 30 * 60_000;
    const rows = [...minutes('orders', 0, [...base, [100, 30, 20], [20, 6, 20]]), ...minutes('noisy', 0, [...base.map(([c]) => [c, 20, 20] as [number, number, number]), [100, 25, 20], [50, 10, 20]])];
    const jumps = detectRedJumps(rows, recentStart);
    assert.deepEqual(jumps.errorRate.map((s) => s.labels.service), ['orders']); // noisy: 23 % < 3 × 20 %
    assert.deepEqual(jumps.p95, []);
  });

  it('a p95 jump needs 2× the baseline and the 100 ms floor', () => {
    const base = Array.from({ length: 30 }, () => [50, 0, 40] as [number, number, number]);
    const rows = [...minutes('inventory', 0, [...base, [50, 0, 400], [10, 0, 400]]), ...minutes('fast', 0, [...base.map(([c]) => [c, 0, 5] as [number, number, number]), [50, 0, 30], [10, 0, 30]])];
    const jumps = detectRedJumps(rows, 30 * 60_000);
    assert.deepEqual(jumps.p95.map((s) => s.labels.service), ['inventory']);
    assert.ok(jumps.p95[0]!.value > 0.3 && jumps.p95[0]!.value < 0.5);
  });

  it('Meshlight’s own sampled self-traces are not watched for jumps', () => {
    const base = Array.from({ length: 30 }, () => [50, 0, 20] as [number, number, number]);
    const rows = minutes('meshlight', 0, [...base, [50, 40, 400], [10, 8, 400]]);
    const jumps = detectRedJumps(rows, 30 * 60_000);
    assert.deepEqual([jumps.errorRate, jumps.p95], [[], []]);
  });

  it('an error burst fires within an evaluation and resolves within about a minute of healing (45 s sliding window over growing minute rows)', async () => {
    const T = 1_800_000_000_000; // on a minute
    const failing = (sec: number) => sec >= T / 1000 && sec < T / 1000 + 60;
    // The collector's rollup as read at `now`: per-minute rows holding what arrived up to `now` (2 calls/s).
    const rowsAt = (now: number): RedMinute[] => {
      const rows = new Map<number, RedMinute>();
      for (let sec = Math.floor((now - 35 * 60_000) / 1000); sec < Math.floor(now / 1000); sec++) {
        const minuteMs = Math.floor((sec * 1000) / 60_000) * 60_000;
        let r = rows.get(minuteMs);
        if (!r) rows.set(minuteMs, (r = { service: 'payments', minuteMs, calls: 0, errors: 0, histogram: emptyHistogram() }));
        r.calls += 2;
        if (failing(sec)) r.errors += 2;
        (r.histogram as number[])[20]! += 2;
      }
      return [...rows.values()];
    };
    const sources: SignalSources = {
      health: { breakers: async () => [], lagGroups: async () => [] },
      red: { serviceMinutes: async (start, end) => rowsAt(clock).filter((r) => r.minuteMs >= start && r.minuteMs < end) },
    };
    let clock = T - 3 * 60_000 + 7_000;
    const ev = new AlertEvaluator(new MemoryQueryable(), sources);
    const changes: string[] = [];
    for (; clock <= T + 4 * 60_000; clock += 15_000) {
      const rounds = await ev.evaluate(clock, (id) => id === 'builtin:error-rate-jump');
      for (const t of rounds.flatMap((r) => r.transitions)) if (t.to === 'firing' || t.to === 'resolved') changes.push(`${t.to}@${(t.atMs - T) / 1000}`);
    }
    assert.deepEqual(changes, ['firing@7', 'resolved@127']); // healed at 60 s
  });

  it('breaker and lag rules fire from the health readings; the log rule says logs are absent', async () => {
    const sources: SignalSources = {
      health: {
        breakers: async () => [
          { service: 'orders', name: 'payments.charge', target: 'payments', state: 'open', sinceMs: 0 },
          { service: 'orders', name: 'inventory', target: 'inventory', state: 'closed', sinceMs: 0 },
        ],
        lagGroups: async () => [
          { system: 'rabbitmq', cluster: 'c', destination: 'order.created', group: 'notifier', status: 'WARN', lag: 120, lagSeconds: 12 },
          { system: 'rabbitmq', cluster: 'c', destination: 'other', group: 'x', status: 'OK', lag: 0, lagSeconds: 0 },
        ],
      },
      red: { serviceMinutes: async () => [] },
    };
    const ev = new AlertEvaluator(new MemoryQueryable(), sources);
    const rounds = await ev.evaluate(T0, (id) => id !== 'builtin:latency-jump');
    const byId = new Map(rounds.map((r) => [r.ruleId, r]));
    assert.deepEqual(byId.get('builtin:breaker-open')!.alerts.map((a) => [a.state, a.labels.breaker, a.labels.target]), [['firing', 'payments.charge', 'payments']]);
    assert.deepEqual(byId.get('builtin:lag-warn')!.alerts.map((a) => [a.state, a.labels.destination, a.annotations.summary]), [['firing', 'order.created', 'Consumer notifier on order.created is lagging (120 messages)']]);
    assert.equal(byId.get('builtin:new-log-error')!.error, 'no logs are stored yet');
    assert.equal(BUILTIN_RULES.length, 5);
  });
});

describe('RED from traces as series', () => {
  const rows: OperationRedMinute[] = [
    { service: 'orders', operation: 'POST /orders', minuteMs: 0, calls: 60, errors: 6, histogram: (() => { const h = emptyHistogram(); addToHistogram(h, 20_000, 54); addToHistogram(h, 700_000, 6); return h; })() },
    { service: 'orders', operation: 'POST /orders', minuteMs: 120_000, calls: 120, errors: 0, histogram: (() => { const h = emptyHistogram(); addToHistogram(h, 20_000, 120); return h; })() },
    { service: 'payments', operation: 'charge', minuteMs: 60_000, calls: 30, errors: 30, histogram: emptyHistogram() },
  ];
  const source = { operationMinutes: async (start: number, end: number, service?: string) => rows.filter((r) => r.minuteMs >= start && r.minuteMs < end && (!service || r.service === service)) };
  const red = new RedQueryable(source);

  it('serves counters that rate() and histogram_quantile() read as the per-minute counts', async () => {
    const { evaluateInstant, parsePromQL } = await import('../promql');
    const at = async (expr: string, t: number) => {
      const r = await evaluateInstant(new FanoutQueryable(new MemoryQueryable(), red), parsePromQL(expr), t);
      assert.equal(r.resultType, 'vector');
      return (r.result as Array<{ metric: Record<string, string>; v: number }>).map((s) => [s.metric.service ?? '', Math.round(s.v * 1000) / 1000]);
    };
    // Counters at each minute's end: orders 60 after minute 0, still 60 after minute 1, 180 after minute 2.
    assert.deepEqual(await at('meshlight_span_calls_total{service="orders"}', 60_000), [['orders', 60]]);
    assert.deepEqual(await at('meshlight_span_calls_total{service="orders"} - meshlight_span_calls_total{service="orders"} offset 1m', 120_000), [['orders', 0]]);
    assert.deepEqual(await at('meshlight_span_calls_total{service="orders"} - meshlight_span_calls_total{service="orders"} offset 1m', 180_000), [['orders', 120]]);
    assert.deepEqual(await at('sum by (service) (meshlight_span_errors_total)', 180_000), [['orders', 6], ['payments', 30]]);
    assert.deepEqual(await at('rate(meshlight_span_calls_total{service="orders"}[3m])', 180_000).then((r) => r.map(([s, v]) => [s, Number(v) > 0])), [['orders', true]]);
    const p95 = await at('histogram_quantile(0.95, sum by (le, service) (meshlight_span_duration_seconds_bucket{service="orders"}))', 60_000);
    assert.equal(p95[0]![0], 'orders');
    assert.ok((p95[0]![1] as number) > 0.5 && (p95[0]![1] as number) <= 1, String(p95[0]![1]));
    assert.deepEqual(await at('meshlight_span_calls_total{operation="charge"}', 180_000), [['payments', 30]]);
  });

  it('answers nothing for other metric names', async () => {
    assert.deepEqual(await red.select([{ name: '__name__', type: '=', value: 'up' }], 0, 600_000), []);
  });
});
