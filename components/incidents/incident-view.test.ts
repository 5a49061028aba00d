import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandAt, failingTracesHref, logsHref, pct, ticks, timeAt } from './incident-view';

describe('incident view helpers', () => {
  it('maps time to the track and back', () => {
    const scale = { start: 1000, end: 2000 };
    assert.equal(pct(scale, 1500), 50);
    assert.equal(pct(scale, 5000), 100);
    assert.equal(timeAt(scale, 0.25), 1250);
  });

  it('links a moment to the failing traces in µs and to the logs in ms', () => {
    const href = new URL(failingTracesHref('payments', 1_700_000_000_000), 'http://x');
    assert.equal(href.pathname, '/traces');
    assert.equal(href.searchParams.get('service'), 'payments');
    assert.equal(href.searchParams.get('errors'), '1');
    assert.equal(href.searchParams.get('lookback'), 'custom');
    assert.equal(href.searchParams.get('start'), String((1_700_000_000_000 - 60_000) * 1000));
    assert.deepEqual(JSON.parse(href.searchParams.get('tags')!), { error: 'true' });
    assert.equal(logsHref(['a', 'b'], 60_000), '/logs?service=a&service=b&start=0&end=120000');
  });

  it('ticks every few minutes and finds the band at a moment', () => {
    assert.deepEqual(ticks({ start: 0, end: 10 * 60_000 }).length, 11);
    assert.equal(bandAt([{ start: 0, end: 10, state: 'open' }], 5)?.state, 'open');
    assert.equal(bandAt([{ start: 0, end: 10, state: 'open' }], 11), undefined);
  });
});
