import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDeltaMessage } from '@/lib/contracts/live-messages';
import type { ServiceGraphResponse } from '@/lib/contracts/service-graph-api';
import { DEFAULT_THRESHOLDS } from '@/lib/domain/service-graph/graph';
import { applyLiveMessage, statusAfterClose } from './live-updates';

const empty: ServiceGraphResponse = { startMs: 0, endMs: 60_000, nodes: [], edges: [], environments: [], environment: null };

function delta(seq: number, service: string, env = 'prod'): GraphDeltaMessage {
  return {
    type: 'graph-delta',
    seq,
    atMs: 60_000,
    edges: [{ source: 'user:user', target: `service:${service}`, type: 'request', env, calls: 3, errors: 0 }],
    services: [{ service, env, calls: 3, errors: 0 }],
  };
}

test('a delta in sequence adds the new service to the cached graph', () => {
  const step = applyLiveMessage({ lastSeq: 4 }, empty, delta(5, 'new-svc'), null, DEFAULT_THRESHOLDS);
  assert.equal(step.refetch, false);
  assert.deepEqual(step.state, { lastSeq: 5 });
  assert.deepEqual(step.graph!.nodes.map((n) => n.id), ['service:new-svc', 'user:user']);
  assert.deepEqual(step.graph!.environments, ['prod']);
});

test('a gap in the sequence still merges, and asks for a refetch', () => {
  const step = applyLiveMessage({ lastSeq: 4 }, empty, delta(7, 'x'), null, DEFAULT_THRESHOLDS);
  assert.equal(step.refetch, true);
  assert.equal(step.graph!.nodes.length, 2);
});

test('hello resets the sequence; nothing to merge into before the first fetch; other environments leave the graph alone', () => {
  assert.deepEqual(applyLiveMessage({ lastSeq: 9 }, empty, { type: 'hello', version: 1, serverTimeMs: 0, intervalMs: 1000 }, null, DEFAULT_THRESHOLDS).state, { lastSeq: null });
  assert.equal(applyLiveMessage({ lastSeq: null }, undefined, delta(0, 'x'), null, DEFAULT_THRESHOLDS).graph, undefined);
  const staging = { ...empty, environment: 'staging' };
  assert.equal(applyLiveMessage({ lastSeq: null }, staging, delta(0, 'x'), 'staging', DEFAULT_THRESHOLDS).graph, staging);
});

test('a socket that never connected turns into polling after a few attempts; one that did keeps reconnecting', () => {
  assert.equal(statusAfterClose(false, 1), 'reconnecting');
  assert.equal(statusAfterClose(false, 2), 'reconnecting');
  assert.equal(statusAfterClose(false, 3), 'polling');
  assert.equal(statusAfterClose(false, 9), 'polling');
  assert.equal(statusAfterClose(true, 9), 'reconnecting');
});
