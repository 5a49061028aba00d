// The health monitor's inference from traces, on a clock the test moves and a database that only
// records: client calls that fail in under 2 ms without a breaker saying so become a suspected open
// breaker on that edge, and the suspicion clears once calls stop failing fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySpan, SpanKind, StatusCode, type TraceBatch } from '../../lib/domain/model';
import type { SqlExecutor } from '../store/sql-executor';
import { HealthMonitor } from './health-monitor';

function recordingDb(): SqlExecutor & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    description: 'recording',
    async query(sql: string) {
      queries.push(sql);
      return [];
    },
    async execInTransaction() {},
    async copyFrom() {},
    async close() {},
  } as unknown as SqlExecutor & { queries: string[] };
}

function calls(n: number, failFast: boolean): TraceBatch {
  const spans = Array.from({ length: n }, (_, i) => {
    const s = emptySpan();
    s.traceId = '5b8efff798038103d269b633813fc60c';
    s.spanId = (i + 1).toString(16).padStart(16, '0');
    s.kind = SpanKind.CLIENT;
    s.name = 'POST /ledger';
    s.startNs = 1_000_000_000n;
    s.endNs = s.startNs + (failFast ? 300_000n : 40_000_000n);
    s.statusCode = failFast ? StatusCode.ERROR : StatusCode.OK;
    s.attributes = { 'peer.service': 'ledger' };
    return s;
  });
  return {
    resourceSpans: [{ resource: { attributes: { 'service.name': 'billing' }, droppedAttributesCount: 0 }, serviceName: 'billing', schemaUrl: '', scopeSpans: [{ scope: { name: 't', version: '', attributes: {} }, schemaUrl: '', spans }] }],
    spanCount: n,
    rejectedSpans: 0,
    rejectionMessage: '',
  };
}

test('a burst of fast failures is a suspected open breaker, cleared when calls succeed again', async () => {
  let now = 1_000_000;
  const monitor = new HealthMonitor(recordingDb(), { flushIntervalMs: 1000, now: () => now }, { warn() {} });
  monitor.observe(calls(20, true));
  now += 11_000;
  await monitor.flush();
  const suspected = monitor.breakerSnapshots().find((b) => b.service === 'billing');
  assert.equal(suspected?.state, 'suspected_open');
  assert.equal(suspected?.source, 'inferred');
  assert.equal(suspected?.target, 'ledger');
  monitor.observe(calls(20, false));
  now += 11_000;
  await monitor.flush();
  assert.equal(monitor.breakerSnapshots().find((b) => b.service === 'billing')?.state, 'closed');
});

test('slow failures (timeouts) or too few calls are not a breaker', async () => {
  let now = 1_000_000;
  const monitor = new HealthMonitor(recordingDb(), { flushIntervalMs: 1000, now: () => now }, { warn() {} });
  monitor.observe(calls(3, true));
  const slow = calls(20, false);
  for (const s of slow.resourceSpans[0]!.scopeSpans[0]!.spans) s.statusCode = StatusCode.ERROR;
  monitor.observe(slow);
  now += 11_000;
  await monitor.flush();
  assert.deepEqual(monitor.breakerSnapshots(), []);
});
