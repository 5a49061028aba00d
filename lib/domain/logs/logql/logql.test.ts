// LogQL: parsing (with Grafana's grammar) into the supported subset, refusing the rest by name, and
// evaluation of log and metric queries over a small drawn-out set of lines:
//
//   time (s)   0    10   20   30   40   50   60
//   api        i    E         i    E
//   cart            i              W    i
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogQLError } from './ast';
import { evaluateLogs, evaluateMetric, formatLine, streamLabels, type LogLine } from './evaluate';
import { parseDurationMs, parseLogQL } from './parse';

const s = (sec: number) => BigInt(sec) * 1_000_000_000n;
const api = streamLabels('api', { 'deployment.environment': 'prod' });
const cart = streamLabels('cart', { 'deployment.environment': 'prod' });
const LINES: LogLine[] = [
  { timeNs: s(0), labels: api, line: '{"level":"info","msg":"start","user":{"id":"u1"}}' },
  { timeNs: s(10), labels: api, line: '{"level":"error","msg":"payment failed","status":502}' },
  { timeNs: s(10), labels: cart, line: 'level=info msg="cart loaded" items=3' },
  { timeNs: s(30), labels: api, line: '{"level":"info","msg":"retry ok","status":200}' },
  { timeNs: s(40), labels: api, line: '{"level":"error","msg":"payment failed again","status":503}' },
  { timeNs: s(40), labels: cart, line: 'level=warn msg="slow cart" items=12' },
  { timeNs: s(50), labels: cart, line: 'level=info msg="cart saved" items=12' },
];

function logs(query: string, limit = 100, direction: 'backward' | 'forward' = 'forward') {
  const parsed = parseLogQL(query);
  assert.equal(parsed.kind, 'log');
  return evaluateLogs(parsed.expr as never, LINES, limit, direction);
}

function metric(query: string, start = 0, end = 60, step = 20) {
  const parsed = parseLogQL(query);
  assert.equal(parsed.kind, 'metric');
  return evaluateMetric(parsed.expr as never, LINES, s(start), s(end), s(step));
}

test('stream selectors and line filters; OTLP resource keys become Loki label names', () => {
  assert.equal(api.deployment_environment, 'prod');
  assert.deepEqual(logs('{service_name="api"} |= "payment"').flatMap((r) => r.values.map((v) => v[0])), [s(10).toString(), s(40).toString()]);
  assert.equal(logs('{service_name=~"api|cart"} != "payment" |~ "cart (loaded|saved)"')[0]!.values.length, 2);
  assert.equal(logs('{deployment_environment="prod"} |= "x" or "slow"')[0]!.values[0]![1], 'level=warn msg="slow cart" items=12');
  assert.equal(logs('{service_name="api"}', 2, 'backward')[0]!.values[0]![0], s(40).toString(), 'backward is newest first');
});

test('| json and | logfmt extract labels; label filters; line_format rewrites the line', () => {
  const errors = logs('{service_name="api"} | json | level="error" | status >= 503 | line_format "{{.msg}} ({{ .status }})"');
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0]!.values, [[s(40).toString(), 'payment failed again (503)']]);
  assert.equal(errors[0]!.stream.user_id, undefined, 'not on this line');
  assert.equal(logs('{service_name="api"} | json | user_id="u1"')[0]!.values.length, 1, 'nested keys joined with _');
  const busy = logs('{service_name="cart"} | logfmt | items > 10 and level != "warn"');
  assert.deepEqual(busy.map((r) => r.values.map((v) => v[1])), [['level=info msg="cart saved" items=12']]);
  assert.throws(() => formatLine('{{ .a | upper }}', {}, ''), /unsupported LogQL: the line_format template expression/);
});

test('count_over_time, rate, sum by, with steps and windows (t - range, t]', () => {
  const perService = metric('sum by (service_name) (count_over_time({service_name=~".+"} [20s]))');
  assert.deepEqual(
    perService.map((r) => [r.metric, r.values]),
    [
      [{ service_name: 'api' }, [[0, '1'], [20, '1'], [40, '2']]],
      [{ service_name: 'cart' }, [[20, '1'], [40, '1'], [60, '1']]],
    ],
  );
  const errorRate = metric('sum(rate({service_name=~".+"} |= "error" [1m]))', 60, 60, 10);
  assert.deepEqual(errorRate, [{ metric: {}, values: [[60, String(2 / 60)]] }]);
  const count = metric('count(count_over_time({service_name=~".+"} | json | __error__="" [1m]))', 60, 60, 10);
  assert.deepEqual(count[0]!.values, [[60, '3']], 'three distinct api label sets after json');
  assert.deepEqual(metric('sum(count_over_time({service_name="api"}[1m])) by (service_name)', 40, 40)[0]!.metric, { service_name: 'api' });
});

test('unsupported features are refused by name; syntax errors say where', () => {
  const refused: Array<[string, RegExp]> = [
    ['{a="b"} | pattern "<x>"', /the pattern parser is not supported/],
    ['sum(count_over_time({a="b"}[1m])) > 1', /binary operations is not supported/],
    ['quantile_over_time(0.9, {a="b"} | unwrap x [1m])', /unsupported LogQL/],
    ['{a="b"} | label_format x=y', /label_format is not supported/],
    ['topk(3, count_over_time({a="b"}[1m]))', /topk\(\) is not supported/],
    ['{a="b"} | json x="y"', /json with label extraction/],
    ['{a="b"} | duration > 10ms', /unsupported LogQL/],
  ];
  for (const [query, pattern] of refused) {
    assert.throws(() => parseLogQL(query), (error: unknown) => error instanceof LogQLError && pattern.test(error.message), query);
  }
  assert.throws(() => parseLogQL('{a=}'), /parse error at line 1, col/);
  assert.throws(() => parseLogQL('{a=""}'), /at least one regexp or equality matcher/);
  assert.throws(() => parseLogQL('{a=~"("}'), /invalid regular expression/);
  assert.equal(parseDurationMs('1h30m'), 5_400_000);
  assert.throws(() => parseDurationMs('5x'), /invalid duration/);
});

test('metric queries over lines the database counted per bucket equal those over every line', async () => {
  const { countableInDatabase, metricBucketNs, runPipeline } = await import('./evaluate');
  // 10 minutes of lines from two streams at irregular times, some with "error".
  const lines: LogLine[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 600; i++) {
    const timeNs = BigInt(Math.floor(random() * 600_000)) * 1_000_000n;
    lines.push({ timeNs, labels: random() < 0.5 ? api : cart, line: random() < 0.3 ? `error ${i} ${'x'.repeat(i % 7)}` : `ok ${i}` });
  }
  for (const [query, stepS] of [
    ['sum by (service_name) (count_over_time({service_name=~".+"} |= "error" [1m]))', 60],
    ['count_over_time({service_name="api"} != "ok" [45s])', 15],
    ['sum(rate({service_name=~"a.*|c.*"} |= "error" or "ok 1" [2m]))', 20],
    ['max by (service_name) (bytes_over_time({deployment_environment="prod"} [90s]))', 35],
  ] as const) {
    const parsed = parseLogQL(query);
    assert.equal(parsed.kind, 'metric');
    const expr = parsed.expr as Parameters<typeof evaluateMetric>[0];
    let inner = expr;
    while (inner.kind !== 'range') inner = inner.inner;
    assert.ok(countableInDatabase(inner.log), query);
    const startNs = s(120);
    const endNs = s(590);
    const stepNs = s(stepS);
    const fromNs = startNs - BigInt(inner.rangeMs) * 1_000_000n;
    const width = metricBucketNs(stepNs, inner.rangeMs);
    // What countLogLines' SQL does: line filters applied, then counted per (stream, bucket).
    const buckets = new Map<string, LogLine & { counted: { count: number; bytes: number } }>();
    for (const line of lines) {
      if (line.timeNs <= fromNs || line.timeNs > endNs || !runPipeline(inner.log.stages, line.line, line.labels)) continue;
      const b = (line.timeNs - fromNs + width - 1n) / width;
      const key = `${line.labels.service_name}/${b}`;
      const bucket = buckets.get(key) ?? { timeNs: fromNs + b * width, line: '', labels: line.labels, counted: { count: 0, bytes: 0 } };
      bucket.counted.count++;
      bucket.counted.bytes += Buffer.byteLength(line.line);
      buckets.set(key, bucket);
    }
    assert.deepEqual(evaluateMetric(expr, [...buckets.values()], startNs, endNs, stepNs), evaluateMetric(expr, lines, startNs, endNs, stepNs), query);
  }
});
