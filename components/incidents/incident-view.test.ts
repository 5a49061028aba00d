import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBreakerFocus } from '../breakers/breaker-view';
import { parseLagFocus } from '../lag/lag-view';
import { bandAt, breakerHref, failingTracesHref, firstSignalNode, lagHref, logsHref, pct, staleIncidentQueries, ticks, timeAt, traceHref } from './incident-view';

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
    assert.equal(logsHref('a', 60_000), '/logs?service=a&start=0&end=120000');
    assert.equal(traceHref('ab'.repeat(16), 'logs'), `/traces/${'ab'.repeat(16)}?view=logs`);
  });

  it('ticks every few minutes and finds the band at a moment', () => {
    assert.deepEqual(ticks({ start: 0, end: 10 * 60_000 }).length, 11);
    assert.equal(bandAt([{ start: 0, end: 10, state: 'open' }], 5)?.state, 'open');
    assert.equal(bandAt([{ start: 0, end: 10, state: 'open' }], 11), undefined);
  });

  it('live messages: an alert changing state makes incidents, rules and every incident stale; a breaker or queue only the timelines', () => {
    const alerts = staleIncidentQueries({ type: 'alerts-changed', atMs: 1, transitions: [], more: 0 });
    assert.deepEqual(alerts, [['incidents'], ['rules'], ['incident'], ['incident-timeline']]);
    assert.deepEqual(staleIncidentQueries({ type: 'hello', version: 1, serverTimeMs: 1, intervalMs: 1000 }), []);
    assert.deepEqual(staleIncidentQueries({ type: 'graph-delta', seq: 1, atMs: 1, edges: [], services: [] }), []);
  });

  it('deep-links an open breaker and a lagging queue, in the URL format /breakers and /lag read back', () => {
    const breaker = breakerHref({ service: 'orders', name: 'payments.charge & co' });
    const b = new URL(breaker, 'http://x');
    assert.equal(b.pathname, '/breakers');
    assert.equal(b.searchParams.get('service'), 'orders');
    assert.equal(b.searchParams.get('name'), 'payments.charge & co');
    assert.deepEqual(parseBreakerFocus(Object.fromEntries(b.searchParams)), { service: 'orders', name: 'payments.charge & co' });
    assert.equal(parseBreakerFocus({ service: 'orders' }), null, 'without a name: no focus');
    assert.equal(parseBreakerFocus({}), null);

    const lag = new URL(lagHref({ system: 'kafka', destination: 'orders.events', group: 'billing' }), 'http://x');
    assert.equal(lag.pathname, '/lag');
    assert.deepEqual(Object.fromEntries(lag.searchParams), { system: 'kafka', destination: 'orders.events', group: 'billing' });
    assert.deepEqual(parseLagFocus(Object.fromEntries(lag.searchParams)), { system: 'kafka', destination: 'orders.events', group: 'billing' });
    // A RabbitMQ queue's row has group = destination; a link without group means that row.
    assert.deepEqual(parseLagFocus({ system: 'rabbitmq', destination: 'q1' }), { system: 'rabbitmq', destination: 'q1', group: 'q1' });
    assert.deepEqual(parseLagFocus({ system: ['nats', 'kafka'], destination: 's', group: 'c' }), { system: 'nats', destination: 's', group: 'c' });
    assert.equal(parseLagFocus({ destination: 'q1' }), null);
  });

  it('knows the first signal node', () => {
    const episode = { id: 'e1', labels: { service: 'orders', target: 'payments' } } as unknown as Parameters<typeof firstSignalNode>[0]['episodes'][number];
    assert.equal(firstSignalNode({ episodes: [episode], firstEpisodeId: 'e1', rootCause: null }), 'service:payments');
    assert.equal(firstSignalNode({ episodes: [], firstEpisodeId: 'e1', rootCause: null }), null);
  });
});
