import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatSelector, matchesLabels, parseSeriesSelector, SelectorError } from './selector';

it('parses metric names, matchers, quotes and escapes', () => {
  assert.deepEqual(parseSeriesSelector('up'), [{ name: '__name__', type: '=', value: 'up' }]);
  assert.deepEqual(parseSeriesSelector(' http_requests_total { job = "api" , code=~\'5..\', path!~`/debug\\.*`, x!="a\\"b\\n", } '), [
    { name: '__name__', type: '=', value: 'http_requests_total' },
    { name: 'job', type: '=', value: 'api' },
    { name: 'code', type: '=~', value: '5..' },
    { name: 'path', type: '!~', value: '/debug\\.*' },
    { name: 'x', type: '!=', value: 'a"b\n' },
  ]);
  assert.deepEqual(parseSeriesSelector('{__name__=~"node_.+"}'), [{ name: '__name__', type: '=~', value: 'node_.+' }]);
});

it('rejects what Prometheus rejects, naming the column', () => {
  const cases: [string, RegExp][] = [
    ['', /expected a series selector/],
    ['{job=""}', /at least one non-empty matcher/],
    ['{job=~".*"}', /at least one non-empty matcher/],
    ['up{job="a"', /^1:11: parse error: unexpected end of input/],
    ['up{job=a}', /^1:8: .*expected a quoted string/],
    ['up{job=="a"}', /^1:8:/],
    ['up{job="a}', /unterminated quoted string/],
    ['up{job=~"("}', /invalid regular expression/],
    ['rate(up[5m])', /^1:5: parse error: unexpected "\(up\[5m\]\)"/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseSeriesSelector(text), (error: unknown) => error instanceof SelectorError && message.test(error.message), text);
});

it('matches label sets with Prometheus semantics and formats back', () => {
  const matchers = parseSeriesSelector('up{job=~"api|web", env!="prod", missing=""}');
  assert.ok(matchesLabels({ __name__: 'up', job: 'api', env: 'dev' }, matchers));
  assert.ok(!matchesLabels({ __name__: 'up', job: 'apix' }, matchers));
  assert.ok(!matchesLabels({ __name__: 'up', job: 'web', env: 'prod' }, matchers));
  assert.equal(formatSelector(matchers), 'up{job=~"api|web", env!="prod", missing=""}');
  assert.equal(formatSelector([{ name: 'job', type: '=', value: 'x' }]), '{job="x"}');
  assert.equal(formatSelector([{ name: '__name__', type: '=', value: 'up' }]), 'up');
});
