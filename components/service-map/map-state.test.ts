import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAP_STATE, endFromSlider, mapStateToQuery, parseMapState, parseThresholds, sliderMinutes } from './map-state';

test('the view round-trips through the URL, defaults left out', () => {
  assert.equal(mapStateToQuery(DEFAULT_MAP_STATE), '');
  const state = { ...DEFAULT_MAP_STATE, lookbackMs: 3_600_000, endMs: 1_700_000_000_000, environment: 'prod', focus: 'service:checkout', hops: 2, trace: 'abc123', search: 'pay', live: false };
  const query = mapStateToQuery(state);
  assert.equal(query, '?window=1h&at=1700000000000&paused=1&env=prod&focus=service%3Acheckout&hops=2&trace=abc123&q=pay');
  assert.deepEqual(parseMapState(Object.fromEntries(new URLSearchParams(query))), state);
});

test('unreadable parameters fall back to defaults', () => {
  assert.deepEqual(parseMapState({ window: '7y', at: 'soon', focus: 'planet:mars', hops: '99', trace: 'xyz!' }), DEFAULT_MAP_STATE);
});

test('thresholds are read from storage only when sane', () => {
  assert.deepEqual(parseThresholds('{"degraded":0.02,"failing":0.1}'), { degraded: 0.02, failing: 0.1 });
  assert.deepEqual(parseThresholds('{"degraded":0.5,"failing":0.1}'), { degraded: 0.01, failing: 0.05 });
  assert.deepEqual(parseThresholds(null), { degraded: 0.01, failing: 0.05 });
});

test('the time slider maps minutes before now to whole-minute window ends', () => {
  const now = Date.UTC(2026, 10, 21, 12, 30, 40);
  assert.equal(endFromSlider(0, now), null);
  assert.equal(endFromSlider(-90, now), Date.UTC(2026, 10, 21, 11, 0));
  assert.equal(sliderMinutes(null, now), 0);
  assert.equal(sliderMinutes(Date.UTC(2026, 10, 21, 11, 0), now), -91);
  assert.equal(sliderMinutes(0, now), -1440, 'clamped to the slider range');
});
