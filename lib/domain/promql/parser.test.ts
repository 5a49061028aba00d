import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromQLParseError, PromQLUnsupportedError, parseDurationMs, parsePromQL, parseSeriesSelector, unquoteString } from './parser';
import { anchoredRegex } from './regex';

test('parsePromQL builds the typed AST with offset/@ bound to their selector', () => {
  const e = parsePromQL('sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m @ end())) / on(job) group_left(team) owners');
  assert.equal(e.type, 'Binary');
  if (e.type !== 'Binary') return;
  assert.equal(e.op, '/');
  assert.deepEqual(e.matching, { card: 'many-to-one', on: true, labels: ['job'], include: ['team'] });
  const agg = e.lhs;
  assert.equal(agg.type, 'Aggregate');
  if (agg.type !== 'Aggregate') return;
  assert.deepEqual([agg.op, agg.grouping, agg.without], ['sum', ['job'], false]);
  const call = agg.expr;
  assert.equal(call.type, 'Call');
  if (call.type !== 'Call') return;
  const m = call.args[0]!;
  assert.equal(m.type, 'MatrixSelector');
  if (m.type !== 'MatrixSelector') return;
  assert.equal(m.rangeMs, 300_000);
  assert.equal(m.vector.offsetMs, 60_000);
  assert.deepEqual(m.vector.at, { kind: 'end' });
  assert.deepEqual(m.vector.matchers, [
    { name: '__name__', type: '=', value: 'http_requests_total' },
    { name: 'code', type: '=~', value: '5..' },
  ]);
});

test('offset after the right operand binds to it, not to the binary expression', () => {
  const e = parsePromQL('a offset 15m or b offset 45m');
  assert.ok(e.type === 'Binary' && e.lhs.type === 'VectorSelector' && e.rhs.type === 'VectorSelector');
  if (e.type !== 'Binary' || e.lhs.type !== 'VectorSelector' || e.rhs.type !== 'VectorSelector') return;
  assert.equal(e.lhs.offsetMs, 900_000);
  assert.equal(e.rhs.offsetMs, 2_700_000);
});

test('syntax errors carry Prometheus-style position and message', () => {
  assert.throws(
    () => parsePromQL('sum(rate(x[5m])'),
    (err: unknown) => err instanceof PromQLParseError && err.position.offset === 15 && err.message === '1:16: parse error: unexpected end of input',
  );
  assert.throws(() => parsePromQL('foo{a="b"} +'), PromQLParseError);
  assert.throws(() => parsePromQL(''), /no expression found in input/);
});

test('type errors are parse errors naming the problem', () => {
  assert.throws(() => parsePromQL('rate(foo)'), /expected type range vector in call to function "rate", got instant vector/);
  assert.throws(() => parsePromQL('1 > 2'), /comparisons between scalars must use BOOL modifier/);
  assert.throws(() => parsePromQL('foo and 1'), /set operator "and" not allowed in binary scalar expression/);
  assert.throws(() => parsePromQL('{a=""}'), /at least one non-empty matcher/);
  assert.throws(() => parsePromQL('nope(foo)'), /unknown function with name "nope"/);
  assert.throws(() => parsePromQL('foo{a=~"(x"}'), /invalid regular expression/);
  assert.throws(() => parsePromQL('sum(foo) offset 5m'), /offset modifier must be preceded by/);
});

test('valid PromQL we do not evaluate is "unsupported: <feature>"', () => {
  assert.throws(() => parsePromQL('info(foo)'), (err: unknown) => err instanceof PromQLUnsupportedError && err.message === 'unsupported: function "info"');
  assert.throws(() => parsePromQL('foo[5m+1m]'), /unsupported: duration expressions/);
});

test('number, duration and string literals follow Go/Prometheus syntax', () => {
  assert.deepEqual(parsePromQL('0x1F'), { type: 'NumberLiteral', value: 31 });
  assert.deepEqual(parsePromQL('-Inf'), { type: 'NumberLiteral', value: -Infinity });
  assert.deepEqual(parsePromQL('2.'), { type: 'NumberLiteral', value: 2 });
  assert.equal(parseDurationMs('1h30m'), 5_400_000);
  assert.equal(parseDurationMs('1y'), 365 * 86_400_000);
  assert.equal(unquoteString('"a\\tb\\u00e9"'), 'a\tbé');
  assert.equal(unquoteString('`raw\\n`'), 'raw\\n');
});

test('RE2 inline case-insensitivity is translated for JavaScript', () => {
  assert.ok(anchoredRegex('(?i:PRO).*').test('production'));
  assert.ok(anchoredRegex('.*((?i)DUC).*').test('proDuCtion'));
  assert.ok(!anchoredRegex('(?i:PRO)x').test('PROX'));
  assert.ok(anchoredRegex('a.b').test('a\nb'), 'dot matches newline as in Prometheus');
  assert.ok(!anchoredRegex('foo').test('foobar'), 'fully anchored');
});

test('parseSeriesSelector accepts only plain vector selectors (match[])', () => {
  assert.deepEqual(parseSeriesSelector('up{job="api"}'), [
    { name: '__name__', type: '=', value: 'up' },
    { name: 'job', type: '=', value: 'api' },
  ]);
  assert.deepEqual(parseSeriesSelector('{"http.server.duration", "service.name"="x"}'), [
    { name: '__name__', type: '=', value: 'http.server.duration' },
    { name: 'service.name', type: '=', value: 'x' },
  ]);
  assert.throws(() => parseSeriesSelector('rate(up[5m])'), PromQLParseError);
  assert.throws(() => parseSeriesSelector('up offset 5m'), PromQLParseError);
});
