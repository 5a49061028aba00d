// Three collector replicas on one PostgreSQL, the spans of every trace sprayed across them at
// random, one span per request and in random order (a load balancer that knows nothing of traces):
// the service graph read back through the query side equals that of a single collector fed the same
// spans. The replicas start together (concurrent migrations) and pair request halves that reached
// different replicas through PostgreSQL (collector/service-graph/shared-pairing.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { createDb, type Db } from '../../lib/db/prisma';
import { loadGraphTotals, type GraphTotals } from '../../lib/db/service-graph-queries';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;

/** A seeded PRNG (mulberry32), so a failure replays with the same spray. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVER = 2;
const CLIENT = 3;

interface TestSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  durationUs: number;
  error: boolean;
  attributes: Record<string, string>;
}

const hex = (rand: () => number, bytes: number) =>
  Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('');

/**
 * One trace:
 *
 *   [frontend SERVER /checkout] (root: user → frontend)
 *     └ [frontend CLIENT POST checkout] ──→ [checkout SERVER /pay]
 *          ├ [checkout CLIENT SELECT] db.system=postgresql (→ database)
 *          ├ [checkout CLIENT charge] ──→ [payments SERVER /charge] (fails 1 trace in 4)
 *          └ [checkout CLIENT fraud] server.address=fraud.example (never answered → virtual)
 *     and, 1 trace in 5, [audit SERVER /audit] whose client was sampled out (no edge)
 */
function makeTrace(rand: () => number, baseNs: bigint): TestSpan[] {
  const traceId = hex(rand, 16);
  const id = () => hex(rand, 8);
  const t0 = baseNs + BigInt(Math.floor(rand() * 50_000_000_000));
  const span = (service: string, parent: string, name: string, kind: number, offsetUs: number, durationUs: number, error = false, attributes: Record<string, string> = {}): TestSpan => ({
    service,
    traceId,
    spanId: id(),
    parentSpanId: parent,
    name,
    kind,
    startNs: t0 + BigInt(offsetUs * 1000),
    durationUs,
    error,
    attributes,
  });
  const failing = rand() < 0.25;
  const root = span('frontend', '', '/checkout', SERVER, 0, 900);
  const call = span('frontend', root.spanId, 'POST checkout', CLIENT, 10, 800 + Math.floor(rand() * 400));
  const pay = span('checkout', call.spanId, '/pay', SERVER, 20, 700);
  const select = span('checkout', pay.spanId, 'SELECT', CLIENT, 30, 50, false, { 'db.system': 'postgresql', 'db.name': 'orders' });
  const charge = span('checkout', pay.spanId, 'charge', CLIENT, 100, 300 + Math.floor(rand() * 300), false);
  const charged = span('payments', charge.spanId, '/charge', SERVER, 110, 250, failing);
  const fraud = span('checkout', pay.spanId, 'fraud', CLIENT, 500, 120, false, { 'server.address': 'fraud.example' });
  const spans = [root, call, pay, select, charge, charged, fraud];
  if (rand() < 0.2) spans.push(span('audit', id(), '/audit', SERVER, 600, 40));
  return spans;
}

function otlpJson(spans: TestSpan[]): string {
  const byService = new Map<string, TestSpan[]>();
  for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'replicas-test' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: String(s.startNs),
            endTimeUnixNano: String(s.startNs + BigInt(s.durationUs * 1000)),
            attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
            status: { code: s.error ? 2 : 0 },
          })),
        },
      ],
    })),
  });
}

async function post(collector: Collector, spans: TestSpan[]): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: otlpJson(spans),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The graph as comparable rows: counts and latency sums per edge and per service. */
function comparable(totals: GraphTotals) {
  const edges = totals.edges
    .map((e) => `${e.source.kind}:${e.source.name} -${e.connectionType}-> ${e.target.kind}:${e.target.name} calls=${e.calls} errors=${e.errors} latency=${e.latencyCount}/${e.latencySumUs}`)
    .sort();
  const services = totals.services.map((s) => `${s.service} calls=${s.calls} errors=${s.errors} latency=${s.latencyCount}/${s.latencySumUs}`).sort();
  return { edges, services };
}

let single: ScratchDatabase;
let shared: ScratchDatabase;
const dbs: Db[] = [];

before(async () => {
  [single, shared] = await Promise.all([createScratchDatabase('meshlight_single'), createScratchDatabase('meshlight_replicas')]);
});

after(async () => {
  for (const db of dbs) {
    await db.prisma.$disconnect();
    if (!db.pool.ended) await db.pool.end();
  }
  await Promise.all([single?.drop(), shared?.drop()]);
});

test('three replicas fed sprayed spans draw the same service graph as one collector', async () => {
  const rand = random(16);
  const baseNs = BigInt(Date.now() - 10 * 60_000) * 1_000_000n;
  const traces = Array.from({ length: 80 }, () => makeTrace(rand, baseNs));
  const spans = traces.flat();
  // Random order across traces, so a server half often arrives before its client.
  const shuffled = spans.map((s) => [rand(), s] as const).sort((a, b) => a[0] - b[0]).map(([, s]) => s);

  const graph = { ...readCollectorConfig({}).serviceGraph, flushIntervalMs: 3_600_000 };
  const one = await startTestCollector(single.url, { serviceGraph: graph });
  // Started together: their migrations race (one applies each, the others find it applied).
  const replicas = await Promise.all(
    [0, 1, 2].map(() => startTestCollector(shared.url, { serviceGraph: { ...graph, sharedPairing: true } })),
  );
  try {
    for (let i = 0; i < shuffled.length; i += 40) await post(one, shuffled.slice(i, i + 40));
    const sent = [0, 0, 0];
    await Promise.all(
      shuffled.map((s) => {
        const r = Math.floor(rand() * 3);
        sent[r]!++;
        return post(replicas[r]!, [s]);
      }),
    );
    assert.ok(sent.every((n) => n > 0));

    assert.ok(await one.flushed(), 'single collector wrote its spans');
    await one.serviceGraph!.flush({ expirePending: true });
    for (const replica of replicas) assert.ok(await replica.flushed(), 'replica wrote its spans');
    // Every replica hands its unpaired halves over at once (their upserts race), then one sweeps.
    await Promise.all(replicas.map((r) => r.serviceGraph!.flush({ expirePending: true })));
    await replicas[0]!.serviceGraph!.flush({ sweepAllShared: true });

    const window = { startMs: Number(baseNs / 1_000_000n) - 60_000, endMs: Date.now() + 60_000 };
    const [singleDb, sharedDb] = [createDb(single.url), createDb(shared.url)];
    dbs.push(singleDb, sharedDb);
    const expected = comparable(await loadGraphTotals(window, null, singleDb));
    const actual = comparable(await loadGraphTotals(window, null, sharedDb));
    assert.deepEqual(actual, expected);

    // The fixture draws what it says: 80 request edges each way, one database, one virtual.
    const calls = (prefix: string) => expected.edges.find((e) => e.startsWith(prefix));
    assert.match(calls('service:frontend -request-> service:checkout') ?? '', /calls=80 /);
    assert.match(calls('service:checkout -request-> service:payments') ?? '', /calls=80 errors=\d+/);
    assert.match(calls('service:checkout -virtual-> ') ?? '', /calls=80 /);
    assert.ok(!expected.edges.some((e) => e.includes('audit -')), 'a server without its client draws no edge');

    const pairedAcross = replicas.reduce((n, r) => n + Number(/meshlight_service_graph_shared_paired_total (\d+)/.exec(r.serviceGraph!.metricsText())![1]), 0);
    assert.ok(pairedAcross > 0, 'some pairs were completed through PostgreSQL');
    const [{ count }] = (await sharedDb.pool.query<{ count: string }>('SELECT count(*) FROM service_graph_pending_halves')).rows as [{ count: string }];
    assert.equal(Number(count), 0, 'the sweep leaves no pending halves');
    const [{ spans: written }] = (await sharedDb.pool.query<{ spans: string }>('SELECT count(*) AS spans FROM spans')).rows as [{ spans: string }];
    assert.equal(Number(written), spans.length);
  } finally {
    await Promise.all([one.stop(), ...replicas.map((r) => r.stop())]);
  }
});
