import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShortStringCache } from './short-string-cache';

const encoder = new TextEncoder();

function lookup(cache: ShortStringCache, text: string): { text: string; hit: boolean } {
  const bytes = encoder.encode(text);
  const slot = cache.slotOf(bytes, 0, bytes.length);
  const cached = cache.find(slot, bytes, 0, bytes.length);
  if (cached !== undefined) return { text: cached, hit: true };
  cache.store(slot, bytes, 0, bytes.length, text);
  return { text, hit: false };
}

test('returns the same string object for the same bytes', () => {
  const cache = new ShortStringCache();
  assert.deepEqual(lookup(cache, 'http.request.method'), { text: 'http.request.method', hit: false });
  assert.deepEqual(lookup(cache, 'http.request.method'), { text: 'http.request.method', hit: true });
  assert.deepEqual(lookup(cache, 'zażółć'), { text: 'zażółć', hit: false });
  assert.deepEqual(lookup(cache, 'zażółć'), { text: 'zażółć', hit: true });
});

test('never confuses strings, even when thousands collide in its 4096 slots', () => {
  const cache = new ShortStringCache();
  const texts = Array.from({ length: 20_000 }, (_, i) => `k${(i * 7919).toString(36)}.${i % 3 === 0 ? 'é' : ''}${i}`);
  for (let round = 0; round < 2; round++) {
    for (const text of texts) assert.equal(lookup(cache, text).text, text);
  }
  // Same length, same bytes but one: must be a miss, not the cached neighbour.
  lookup(cache, 'service.name');
  assert.deepEqual(lookup(cache, 'service.namf'), { text: 'service.namf', hit: false });
});

test('looks at exactly the given range of a larger buffer', () => {
  const cache = new ShortStringCache();
  const buffer = encoder.encode('xxhttp.routeyy');
  const slot = cache.slotOf(buffer, 2, 12);
  cache.store(slot, buffer, 2, 12, 'http.route');
  const other = encoder.encode('http.route');
  assert.equal(cache.find(cache.slotOf(other, 0, 10), other, 0, 10), 'http.route');
  assert.equal(cache.find(cache.slotOf(other, 0, 9), other, 0, 9), undefined);
});
