import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdgePairer, type EdgePairerCallbacks } from './edge-pairer';

/** A pairer over plain strings, logging every callback, on a clock the test moves. */
function harness(options: { ttlMs?: number; fanOutTtlMs?: number; maxEntries?: number } = {}) {
  let nowMs = 0;
  const log: string[] = [];
  const callbacks: EdgePairerCallbacks<string, string> = {
    onPaired: (i, r, index) => log.push(`paired ${i}+${r}${index > 0 ? ` #${index}` : ''}`),
    onExpired: (half) => log.push('initiator' in half ? `expired ${half.initiator}` : `expired ${half.responder}`),
    onDropped: (half) => log.push('initiator' in half ? `dropped ${half.initiator}` : `dropped ${half.responder}`),
  };
  const pairer = new EdgePairer<string, string>(
    { ttlMs: options.ttlMs ?? 10_000, fanOutTtlMs: options.fanOutTtlMs, maxEntries: options.maxEntries ?? 100, now: () => nowMs },
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
  assert.deepEqual(h.pairer.stats, { paired: 2, expired: 0, dropped: 0, duplicates: 0, fanOutEvicted: 0 });
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
  h.pairer.addResponder('t', 'm', 'early-consumer', 'fan-out');
  h.pairer.addInitiator('t', 'm', 'producer', 'fan-out');
  h.pairer.addResponder('t', 'm', 'consumer-2', 'fan-out');
  h.pairer.addResponder('t', 'm', 'consumer-3', 'fan-out');
  h.advance(1_000);
  h.pairer.addResponder('t', 'm', 'too-late', 'fan-out');
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
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'parent' }, { traceId: 't', spanId: 'link-1' }, { traceId: 't', spanId: 'link-2' }], 'batch', 'fan-out');
  h.pairer.addInitiator('t', 'link-2', 'producer-2', 'fan-out');
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'parent-x' }, { traceId: 't', spanId: 'link-x' }], 'lonely', 'fan-out');
  h.advance(1_000);
  assert.deepEqual(h.log, ['paired producer-2+batch', 'expired lonely']);
});

test('a duplicate initiator (an exporter retry) is counted and ignored', () => {
  const h = harness();
  h.pairer.addInitiator('t', 'p', 'producer', 'fan-out');
  h.pairer.addInitiator('t', 'p', 'producer-again', 'fan-out');
  h.pairer.addResponder('t', 'p', 'consumer', 'fan-out');
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
  assert.deepEqual(h.pairer.stats, { paired: 1, expired: 0, dropped: 1, duplicates: 0, fanOutEvicted: 0 });
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

test('messaging halves wait their own, longer wait; request halves still expire at the short one', () => {
  const h = harness({ ttlMs: 10_000, fanOutTtlMs: 600_000 });
  h.pairer.addInitiator('t', 'msg', 'producer', 'fan-out');
  h.pairer.addInitiator('t', 'call', 'client', 'once');
  h.pairer.addResponder('t', 'orphan', 'server', 'once');
  h.advance(10_000);
  assert.deepEqual(h.log, ['expired client', 'expired server']);
  assert.equal(h.pairer.fanOutSize, 1);
  h.advance(80_000);
  h.pairer.addResponder('t', 'msg', 'consumer', 'fan-out');
  assert.deepEqual(h.log.slice(2), ['paired producer+consumer']);
  // The producer stays for more consumers until its own wait runs out, and is not reported.
  h.advance(510_000);
  assert.equal(h.pairer.size, 0);
  assert.equal(h.log.length, 3);
});

test('a consumer that arrives first waits the messaging wait for its producer', () => {
  const h = harness({ ttlMs: 10_000, fanOutTtlMs: 600_000 });
  h.pairer.addResponderToAny([{ traceId: 't', spanId: 'p1' }, { traceId: 't', spanId: 'p2' }], 'consumer', 'fan-out');
  h.advance(300_000);
  h.pairer.addInitiator('t', 'p2', 'producer', 'fan-out');
  h.advance(300_000);
  assert.deepEqual(h.log, ['paired producer+consumer']);
});

test('a SERVER span does not pair with a PRODUCER of the same id, nor a CONSUMER with a CLIENT', () => {
  const h = harness({ ttlMs: 1_000, fanOutTtlMs: 5_000 });
  h.pairer.addInitiator('t', 'x', 'producer', 'fan-out');
  h.pairer.addResponder('t', 'x', 'server', 'once');
  h.pairer.addInitiator('t', 'y', 'client', 'once');
  h.pairer.addResponder('t', 'y', 'consumer', 'fan-out');
  h.advance(1_000);
  assert.deepEqual(h.log, ['expired server', 'expired client']);
  h.advance(4_000);
  assert.deepEqual(h.log.slice(2), ['expired producer', 'expired consumer']);
});

test('when full, the oldest messaging entries are evicted before any request entry, and counted', () => {
  const h = harness({ ttlMs: 10_000, fanOutTtlMs: 600_000, maxEntries: 3 });
  h.pairer.addInitiator('t', 'c1', 'client-1', 'once');
  h.pairer.addInitiator('t', 'p1', 'producer-1', 'fan-out');
  h.pairer.addInitiator('t', 'p2', 'producer-2', 'fan-out');
  h.pairer.addInitiator('t', 'c2', 'client-2', 'once');
  h.pairer.addInitiator('t', 'c3', 'client-3', 'once');
  assert.deepEqual(h.log, ['dropped producer-1', 'dropped producer-2']);
  h.pairer.addInitiator('t', 'c4', 'client-4', 'once');
  assert.deepEqual(h.log.slice(2), ['dropped client-1'], 'with no messaging entry left, the oldest request entry goes');
  assert.equal(h.pairer.stats.fanOutEvicted, 2);
  assert.equal(h.pairer.stats.dropped, 3);
  // An evicted producer that had already paired is counted as evicted, not as a dropped half.
  h.pairer.addResponder('t', 'c2', 'server-2', 'once');
  h.pairer.addInitiator('t', 'p3', 'producer-3', 'fan-out');
  h.pairer.addResponder('t', 'p3', 'consumer-3', 'fan-out');
  h.pairer.addInitiator('t', 'c5', 'client-5', 'once');
  assert.deepEqual(h.log.slice(3), ['paired client-2+server-2', 'paired producer-3+consumer-3']);
  assert.equal(h.pairer.stats.fanOutEvicted, 3);
  assert.equal(h.pairer.stats.dropped, 3);
});
