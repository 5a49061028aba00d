import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdgePairer, type EdgePairerCallbacks } from './edge-pairer';

/** A pairer over plain strings, logging every callback, on a clock the test moves. */
function harness(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let nowMs = 0;
  const log: string[] = [];
  const callbacks: EdgePairerCallbacks<string, string> = {
    onPaired: (i, r, index) => log.push(`paired ${i}+${r}${index > 0 ? ` #${index}` : ''}`),
    onExpired: (half) => log.push('initiator' in half ? `expired ${half.initiator}` : `expired ${half.responder}`),
    onDropped: (half) => log.push('initiator' in half ? `dropped ${half.initiator}` : `dropped ${half.responder}`),
  };
  const pairer = new EdgePairer<string, string>(
    { ttlMs: options.ttlMs ?? 10_000, maxEntries: options.maxEntries ?? 100, now: () => nowMs },
    callbacks,
  );
  return {
    pairer,
    log,
    advance(ms: number) {
      nowMs += ms;
      pairer.expire();
    },
  };
}

test('a client and its server pair in either order, and the entry is gone', () => {
  const h = harness();
  h.pairer.addInitiator('t', 'k1', 'client-1', 'once');
  h.pairer.addResponder('t', 'k1', 'server-1');
  h.pairer.addResponder('t', 'k2', 'server-2');
  h.pairer.addInitiator('t', 'k2', 'client-2', 'once');
  assert.deepEqual(h.log, ['paired client-1+server-1', 'paired client-2+server-2']);
  assert.equal(h.pairer.size, 0);
  h.advance(60_000);
  assert.equal(h.log.length, 2, 'nothing left to expire');
  assert.deepEqual(h.pairer.stats, { paired: 2, expired: 0, dropped: 0, duplicates: 0 });
});

test('halves wait across batches until the TTL, then expire unpaired', () => {
  const h = harness({ ttlMs: 10_000 });
  h.pairer.addInitiator('t', 'late', 'client-late', 'once');
  h.pairer.addInitiator('t', 'soon', 'client-soon', 'once');
  h.advance(9_999);
  h.pairer.addResponder('t', 'soon', 'server-soon');
  assert.deepEqual(h.log, ['paired client-soon+server-soon']);
  h.advance(1);
  assert.deepEqual(h.log, ['paired client-soon+server-soon', 'expired client-late']);
  h.pairer.addResponder('t', 'late', 'server-late');
  h.advance(10_000);
  assert.deepEqual(h.log.slice(2), ['expired server-late'], 'the server half came after its client expired');
  assert.equal(h.pairer.stats.expired, 2);
});

test('the TTL counts from when the key was first seen, not from each later half', () => {
  const h = harness({ ttlMs: 1_000 });
  h.pairer.addResponder('t', 'k', 'consumer-a');
  h.advance(600);
  h.pairer.addResponder('t', 'k', 'consumer-b');
  h.advance(400);
  assert.deepEqual(h.log, ['expired consumer-a', 'expired consumer-b']);
});

test('a producer fans out to every consumer until its TTL, and is not reported when it paired', () => {
  const h = harness({ ttlMs: 1_000 });
  h.pairer.addResponder('t', 'm', 'early-consumer');
  h.pairer.addInitiator('t', 'm', 'producer', 'fan-out');
  h.pairer.addResponder('t', 'm', 'consumer-2');
  h.pairer.addResponder('t', 'm', 'consumer-3');
  h.advance(1_000);
  h.pairer.addResponder('t', 'm', 'too-late');
  h.advance(1_000);
  assert.deepEqual(h.log, [
    'paired producer+early-consumer',
    'paired producer+consumer-2 #1',
    'paired producer+consumer-3 #2',
    'expired too-late',
  ]);
});

test('a responder waiting under several keys pairs once per initiator and is unpaired only if none came', () => {
  const h = harness({ ttlMs: 1_000 });
  // A batch consumer: its parent (a local receive span, never an initiator) and two links.
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'parent' }, { traceId: 't', spanId: 'link-1' }, { traceId: 't', spanId: 'link-2' }], 'batch');
  h.pairer.addInitiator('t', 'link-2', 'producer-2', 'fan-out');
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'parent-x' }, { traceId: 't', spanId: 'link-x' }], 'lonely');
  h.advance(1_000);
  assert.deepEqual(h.log, ['paired producer-2+batch', 'expired lonely']);
});

test('a duplicate initiator (an exporter retry) is counted and ignored', () => {
  const h = harness();
  h.pairer.addInitiator('t', 'p', 'producer', 'fan-out');
  h.pairer.addInitiator('t', 'p', 'producer-again', 'fan-out');
  h.pairer.addResponder('t', 'p', 'consumer');
  assert.deepEqual(h.log, ['paired producer+consumer']);
  assert.equal(h.pairer.stats.duplicates, 1);
});

test('when full, the oldest entry is evicted and reported as dropped', () => {
  const h = harness({ maxEntries: 2 });
  h.pairer.addInitiator('t', 'a', 'client-a', 'once');
  h.pairer.addInitiator('t', 'b', 'client-b', 'once');
  h.pairer.addResponder('t', 'c', 'server-c');
  assert.deepEqual(h.log, ['dropped client-a']);
  assert.equal(h.pairer.size, 2);
  h.pairer.addResponder('t', 'b', 'server-b');
  assert.deepEqual(h.log, ['dropped client-a', 'paired client-b+server-b']);
  assert.deepEqual(h.pairer.stats, { paired: 1, expired: 0, dropped: 1, duplicates: 0 });
});

test('a store of size zero drops everything, and says so', () => {
  const h = harness({ maxEntries: 0 });
  h.pairer.addInitiator('t', 'a', 'client', 'once');
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'b' }, { traceId: 't', spanId: 'c' }], 'server');
  assert.deepEqual(h.log, ['dropped client', 'dropped server']);
  assert.equal(h.pairer.stats.dropped, 2);
});

test('a half waiting under two keys is reported once even when both are evicted', () => {
  const h = harness({ maxEntries: 1 });
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'x' }, { traceId: 't', spanId: 'y' }], 'consumer');
  h.pairer.addInitiator('t', 'z', 'client', 'once');
  assert.deepEqual(h.log, ['dropped consumer']);
});

test('expireAll settles everything at once (shutdown)', () => {
  const h = harness();
  h.pairer.addInitiator('t', 'a', 'client', 'once');
  h.pairer.addResponder('t', 'b', 'server');
  h.pairer.expireAll();
  assert.deepEqual(h.log, ['expired client', 'expired server']);
  assert.equal(h.pairer.size, 0);
});

test('two traces sharing a span id keep separate entries, found again whatever left first', () => {
  const h = harness();
  h.pairer.addInitiator('trace-1', 'same', 'client-1', 'once');
  h.pairer.addInitiator('trace-2', 'same', 'client-2', 'once');
  h.pairer.addResponder('trace-1', 'same', 'server-1');
  // trace-1's entry is gone; trace-2's, filed apart, must still be found.
  h.pairer.addResponder('trace-2', 'same', 'server-2');
  h.pairer.addResponder('trace-3', 'same', 'server-3');
  h.advance(60_000);
  assert.deepEqual(h.log, ['paired client-1+server-1', 'paired client-2+server-2', 'expired server-3']);
  assert.equal(h.pairer.size, 0);
});
