// A message may wait in a queue far longer than a request's halves take to arrive: the messaging
// halves wait their own (longer) wait, so time in queue from traces is not capped at the request
// wait. Halves arrive in separate batches on a clock the test moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceBatch } from '../model';
import { EdgeDeriver } from './edge-deriver';
import { edgeLine, parseAsciiTrace } from './testdata/ascii-trace';

/** The spans of one service of a drawn trace, as a batch of their own (one export request). */
function servicesBatch(batch: TraceBatch, ...services: string[]): TraceBatch {
  const resourceSpans = batch.resourceSpans.filter((rs) => services.includes(rs.serviceName));
  return { resourceSpans, spanCount: resourceSpans.reduce((n, rs) => n + rs.scopeSpans[0]!.spans.length, 0), rejectedSpans: 0, rejectionMessage: '' };
}

function deriver(options: { waitMs: number; messagingWaitMs: number; maxPending?: number }) {
  let nowMs = 0;
  const edges: string[] = [];
  const d = new EdgeDeriver(
    { ttlMs: options.waitMs, messagingTtlMs: options.messagingWaitMs, maxPending: options.maxPending ?? 1_000, now: () => nowMs },
    { edge: (e) => edges.push(edgeLine(e)), operation: () => {} },
  );
  return {
    d,
    edges,
    advance(ms: number) {
      // The collector expires on a timer of a second or so; so does this.
      for (let t = 0; t < ms; t += 1_000) {
        nowMs += Math.min(1_000, ms - t);
        d.expire();
      }
    },
  };
}

// The publish is instantaneous so that "time in queue" reads the same from the publish's start or end.
const TRACE = parseAsciiTrace(`
  shop      SERVER    "POST /orders"          0-5
  ├─ shop      PRODUCER  "order.created publish"  0-0  messaging.system=rabbitmq messaging.destination.name=order.created
  │  └─ notifier  CONSUMER  "order.created process"  90000-90040  messaging.system=rabbitmq messaging.destination.name=order.created
  └─ shop      CLIENT    "GET /stock"               1-4
     └─ stock     SERVER    "GET /stock"               2-3`);

test('a consumer 90 s after its producer makes one messaging edge with 90 s in queue; request halves still expire at the short wait', () => {
  const h = deriver({ waitMs: 10_000, messagingWaitMs: 600_000 });
  h.d.observeBatch(servicesBatch(TRACE, 'shop'));
  assert.deepEqual(h.edges, ['user:user ─request→ service:shop  5ms', 'service:shop ─messaging→ messaging:rabbitmq/order.created  0ms']);
  h.advance(11_000);
  // The client waited out the request wait: no request edge is drawn (it names no peer), and its
  // server arriving now is too late.
  h.d.observeBatch(servicesBatch(TRACE, 'stock'));
  assert.equal(h.d.pending, 2, 'the producer still waits, and the late server now does');
  assert.equal(h.d.messagingPending, 1);
  h.advance(79_000);
  h.d.observeBatch(servicesBatch(TRACE, 'notifier'));
  assert.deepEqual(h.edges.slice(2), ['messaging:rabbitmq/order.created ─messaging→ service:notifier  90000ms']);
  h.advance(600_000);
  assert.equal(h.edges.length, 3, 'nothing else drawn: the late server is not guessed at, the paired producer is not redrawn');
  assert.equal(h.d.pending, 0);
  assert.deepEqual(h.d.stats, { paired: 1, expired: 2, dropped: 0, duplicates: 0, fanOutEvicted: 0 });
});

test('with the messaging wait as short as the request wait, the same consumer is drawn without a time in queue', () => {
  const h = deriver({ waitMs: 10_000, messagingWaitMs: 10_000 });
  h.d.observeBatch(servicesBatch(TRACE, 'shop'));
  h.advance(90_000);
  h.d.observeBatch(servicesBatch(TRACE, 'notifier'));
  h.advance(10_000);
  assert.deepEqual(h.edges.slice(2), ['messaging:rabbitmq/order.created ─messaging→ service:notifier  -']);
});

test('a full store evicts the waiting producer before the request halves', () => {
  const h = deriver({ waitMs: 10_000, messagingWaitMs: 600_000, maxPending: 2 });
  h.d.observeBatch(servicesBatch(TRACE, 'shop'));
  // Producer and client wait; a server of another trace fills the store.
  const other = parseAsciiTrace(`
    trace B
    web  SERVER  "GET /"  0-10
    └─ web  CLIENT  "GET /x"  1-9
       └─ x  SERVER  "GET /x"  2-8`);
  h.d.observeBatch(servicesBatch(other, 'x'));
  assert.equal(h.d.messagingPending, 0);
  assert.equal(h.d.stats.fanOutEvicted, 1);
  h.d.observeBatch(servicesBatch(TRACE, 'stock'));
  assert.ok(h.edges.includes('service:shop ─request→ service:stock  3ms'), 'the request pair survived the eviction');
});
