// Circuit breakers and broker lag end to end on the real PostgreSQL with real parts: a real opossum
// breaker measured by opossum-prometheus, driven open, half-open and closed; a real RabbitMQ queue
// backlog (amqplib; the broker's own Prometheus plugin, per-object endpoint) built and drained; a real
// NATS JetStream consumer backlog (our own nats-server with monitoring); spans carrying
// `circuit.state`. Each reaches the collector's health monitor, is stored, and is read back through
// /api/breakers, /api/lag and their history endpoints.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import CircuitBreaker from 'opossum';
import { connect as natsConnect, AckPolicy } from 'nats';
import { Registry } from 'prom-client';
import { GET as getBreakers } from '../../app/api/breakers/route';
import { GET as getBreakerHistory } from '../../app/api/breakers/[service]/[name]/history/route';
import { GET as getLag } from '../../app/api/lag/route';
import { GET as getLagHistory } from '../../app/api/lag/[system]/[destination]/[group]/history/route';
import type { BreakerHistoryResponse, BreakerWire, LagGroupResponse, LagHistoryResponse } from '../../lib/contracts/health-api';
import { loadQueueTimesFromTraces } from '../../lib/db/health-queries';
import { disconnectDb } from '../../lib/db/prisma';
import { samplesFromText } from '../support/exposition-samples';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { freePort } from '../support/ui-server';

// opossum-prometheus has no types of its own (the demo declares them in scripts/demo/lib).
const { default: PrometheusMetrics } = (await import('opossum-prometheus')) as unknown as {
  default: new (options: { circuits: CircuitBreaker[]; registry: Registry }) => { clear(): void };
};

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let database: ScratchDatabase;
let collector: Collector;

before(async () => {
  database = await createScratchDatabase();
  collector = await startTestCollector(database.url);
  process.env.DATABASE_URL = collector.databaseUrl;
});

after(async () => {
  await disconnectDb();
  await collector.stop();
  await database.drop();
});

async function api<T>(handler: (r: Request, c: never) => Promise<Response>, url: string, params?: Record<string, string>): Promise<T> {
  const response = await handler(new Request(`http://meshlight${url}`), { params: Promise.resolve(params ?? {}) } as never);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

/** Polls `probe` until it returns a value (bounded); for brokers that publish their statistics periodically. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function postTraces(body: unknown): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.text());
}

/** OTLP/JSON: `orders` publishes to `queue` (PRODUCER), `notifier` takes it `waitedMs` later (CONSUMER, its child). */
function messageWaitedSpans(queue: string, waitedMs: number) {
  const end = BigInt(Date.now()) * 1_000_000n;
  const consumed = end - 10_000_000n;
  const published = consumed - BigInt(waitedMs) * 1_000_000n;
  const traceId = randomBytes(16).toString('hex');
  const producerId = randomBytes(8).toString('hex');
  const attributes = (operation: string) => [
    { key: 'messaging.system', value: { stringValue: 'rabbitmq' } },
    { key: 'messaging.destination.name', value: { stringValue: queue } },
    { key: 'messaging.operation.type', value: { stringValue: operation } },
  ];
  const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }] });
  return {
    resourceSpans: [
      {
        resource: resource('orders'),
        scopeSpans: [{ spans: [{ traceId, spanId: producerId, name: `${queue} publish`, kind: 4, startTimeUnixNano: String(published), endTimeUnixNano: String(published + 1_000_000n), attributes: attributes('send') }] }],
      },
      {
        resource: resource('notifier'),
        scopeSpans: [
          {
            spans: [
              { traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: producerId, name: `${queue} process`, kind: 5, startTimeUnixNano: String(consumed), endTimeUnixNano: String(end), attributes: attributes('process') },
            ],
          },
        ],
      },
    ],
  };
}

test('a real opossum breaker: open, half-open, closed — in /api/breakers and its history', { timeout: 60_000 }, async () => {
  let failing = true;
  const breaker = new CircuitBreaker(async () => {
    if (failing) throw new Error('payments down');
    return 'ok';
  }, { name: 'payments', resetTimeout: 1000, errorThresholdPercentage: 50, volumeThreshold: 2 });
  breaker.fallback(() => 'fallback');
  const registry = new Registry();
  const metrics = new PrometheusMetrics({ circuits: [breaker], registry });
  let t = Date.now() - 30_000; // readings a second apart, all in the past
  const scrape = async () => {
    t += 1000;
    const samples = samplesFromText(await registry.metrics()).map((s) => ({ ...s, labels: { ...s.labels, job: 'orders' } }));
    collector.health.observeSamples(samples, t);
  };
  try {
    await breaker.fire();
    await scrape();
    const halfOpened = new Promise<void>((resolve) => breaker.once('halfOpen', () => resolve()));
    for (let i = 0; i < 4; i++) await breaker.fire();
    assert.ok(breaker.opened, 'the library opened it');
    await scrape();
    await collector.health.flush();
    const open = await api<BreakerWire[]>(getBreakers, '/api/breakers');
    const b = open.find((x) => x.name === 'payments')!;
    assert.equal(b.state, 'open');
    assert.equal(b.service, 'orders');
    assert.equal(b.source, 'opossum');
    assert.equal(b.failureRate, 100, 'every call let through failed');
    // Reset timeout passes: the library half-opens and the next success closes it.
    await halfOpened;
    failing = false;
    await breaker.fire();
    assert.ok(breaker.closed);
    await scrape();
    await collector.health.flush();
    const closed = (await api<BreakerWire[]>(getBreakers, '/api/breakers')).find((x) => x.name === 'payments')!;
    assert.equal(closed.state, 'closed');
    const history = await api<BreakerHistoryResponse>(getBreakerHistory, `/api/breakers/orders/payments/history?start=${t - 60_000}&end=${t + 1}`, {
      service: 'orders',
      name: 'payments',
    });
    assert.deepEqual(history.transitions.map((x) => x.to), ['closed', 'open', 'closed']);
    assert.deepEqual(history.bands.map((x) => x.state), ['closed', 'open', 'closed']);
  } finally {
    metrics.clear();
    breaker.shutdown();
  }
});

test('a real opossum breaker scraped every 10 s: the history API returns calls/s, rejected/s and failure-rate series', { timeout: 60_000 }, async () => {
  let failing = false;
  const breaker = new CircuitBreaker(async () => {
    if (failing) throw new Error('stock down');
    return 'ok';
  }, { name: 'stock', resetTimeout: 500, errorThresholdPercentage: 50, volumeThreshold: 2 });
  breaker.fallback(() => 'fallback');
  const registry = new Registry();
  const metrics = new PrometheusMetrics({ circuits: [breaker], registry });
  const t0 = Math.floor((Date.now() - 120_000) / 10_000) * 10_000;
  let t = t0;
  // One scrape per 10 s of (past) time, each flushed: the health monitor samples rates per flush.
  const scrape = async () => {
    t += 10_000;
    const samples = samplesFromText(await registry.metrics()).map((s) => ({ ...s, labels: { ...s.labels, job: 'checkout' } }));
    collector.health.observeSamples(samples, t);
    await collector.health.flush();
  };
  const fire = async (n: number) => {
    for (let i = 0; i < n; i++) await breaker.fire();
  };
  try {
    await fire(2);
    await scrape(); // t0+10: first reading, no rate yet
    await fire(4);
    await scrape(); // t0+20: 4 calls in 10 s
    failing = true;
    const halfOpened = new Promise<void>((resolve) => breaker.once('halfOpen', () => resolve()));
    await fire(10); // failures until half of the calls failed, then it opens and rejects the rest
    assert.ok(breaker.opened, 'the library opened it');
    await scrape(); // t0+30: open
    await halfOpened;
    failing = false;
    await fire(10); // the trial call succeeds and closes it; the rest pass
    assert.ok(breaker.closed);
    await scrape(); // t0+40: closed
    await fire(5);
    await scrape(); // t0+50

    const start = t0;
    const end = t0 + 60_000;
    const history = await api<BreakerHistoryResponse>(getBreakerHistory, `/api/breakers/checkout/stock/history?start=${start}&end=${end}`, { service: 'checkout', name: 'stock' });
    assert.equal(history.stepMs, 10_000);
    assert.deepEqual(history.series.map((p) => p.t - t0), [0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    const at = (ms: number) => history.series.find((p) => p.t === t0 + ms)!;
    assert.equal(at(0).callsPerSecond, null, 'no sample in the first step: a gap');
    assert.equal(at(10_000).callsPerSecond, null, 'the first reading has no earlier counters');
    assert.equal(at(20_000).callsPerSecond, 0.4);
    assert.equal(at(20_000).rejectedPerSecond, 0);
    assert.equal(at(20_000).failureRate, 0);
    // opossum counts a rejected call as a fire too: 10 fires in 10 s, some of them rejected once open.
    assert.equal(at(30_000).callsPerSecond, 1);
    assert.ok(at(30_000).rejectedPerSecond! > 0, 'rejections while open');
    assert.equal(at(30_000).failureRate, 100, 'every call let through failed');
    assert.equal(at(40_000).callsPerSecond, 1);
    assert.equal(at(40_000).rejectedPerSecond, 0);
    assert.equal(at(50_000).callsPerSecond, 0.5);
    assert.deepEqual(history.transitions.map((x) => x.to), ['closed', 'open', 'closed']);
  } finally {
    metrics.clear();
    breaker.shutdown();
  }
});

test('spans carrying circuit.state make a breaker on their service', { timeout: 60_000 }, async () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'inventory.reserve',
                kind: 3,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 1_000_000n),
                attributes: [
                  { key: 'circuit.name', value: { stringValue: 'inventory' } },
                  { key: 'circuit.state', value: { stringValue: 'half-open' } },
                  { key: 'peer.service', value: { stringValue: 'inventory' } },
                ],
                status: { code: 2 },
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  await collector.health.flush();
  const b = (await api<BreakerWire[]>(getBreakers, '/api/breakers')).find((x) => x.service === 'checkout')!;
  assert.deepEqual({ name: b.name, state: b.state, source: b.source, target: b.target }, { name: 'inventory', state: 'half_open', source: 'span', target: 'inventory' });
});

test('a real RabbitMQ backlog: lag builds with no consumer (STOP), then drains back to OK', { timeout: 60_000 }, async (t) => {
  const endpoint = 'http://127.0.0.1:15692/metrics/per-object';
  if (!(await fetch(endpoint).then((r) => r.ok).catch(() => false))) {
    t.skip('RabbitMQ Prometheus plugin not enabled (rabbitmq-plugins enable rabbitmq_prometheus)');
    return;
  }
  const queue = `meshlight.test.${process.pid}.${Date.now()}`;
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  try {
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    for (let i = 0; i < 40; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    const scrapeUntil = async (accept: (lag: number) => boolean) =>
      eventually(async () => {
        const text = await (await fetch(endpoint)).text();
        const samples = samplesFromText(text).filter((s) => s.labels.queue === queue);
        if (!samples.length) return undefined;
        collector.health.observeSamples(samples, Date.now());
        const g = collector.health.lagStates().find((x) => x.destination === queue);
        return g && accept(g.lag) ? g : undefined;
      }, `queue ${queue}`);
    const built = await scrapeUntil((lag) => lag >= 40);
    assert.equal(built.status, 'STOP', 'messages waiting and no consumer');
    assert.equal(built.consumers, 0);
    // The per-object endpoint counts no deliveries: the broker alone cannot say how long 40 messages wait.
    assert.deepEqual([built.lagSeconds, built.lagSecondsSource], [null, null]);
    await collector.health.flush();
    const unknown = (await api<LagGroupResponse[]>(getLag, '/api/lag')).find((x) => x.destination === queue)!;
    assert.equal(unknown.system, 'rabbitmq');
    assert.equal(unknown.lag, 40);
    assert.equal(unknown.status, 'STOP');
    assert.deepEqual([unknown.lagSeconds, unknown.lagSecondsSource], [null, null]);
    // Traces of a message that waited 3 s in that queue: the read side fills lag in time from them.
    await postTraces(messageWaitedSpans(queue, 3000));
    await collector.serviceGraph!.flush({ expirePending: true });
    const listed = (await api<LagGroupResponse[]>(getLag, '/api/lag')).find((x) => x.destination === queue)!;
    assert.equal(listed.lagSecondsSource, 'traces');
    assert.ok(listed.lagSeconds! >= 2.5 && listed.lagSeconds! <= 4.5, `about 3 s from traces, got ${listed.lagSeconds}`);
    assert.ok(listed.tracesQueueMs && listed.tracesQueueMs.recentP95 !== null);

    await channel.consume(queue, (m) => m && channel.ack(m));
    const drained = await scrapeUntil((lag) => lag === 0);
    assert.equal(drained.status, 'OK');
    await collector.health.flush();
    const history = await api<LagHistoryResponse>(getLagHistory, `/api/lag/rabbitmq/${encodeURIComponent(queue)}/${encodeURIComponent(queue)}/history`, {
      system: 'rabbitmq',
      destination: queue,
      group: queue,
    });
    assert.ok(history.points.some((p) => p.lag >= 40) && history.points.at(-1)!.lag === 0);
    assert.equal(history.group?.status, 'OK');
    assert.deepEqual([history.group?.lagSeconds, history.group?.lagSecondsSource], [0, 'empty'], 'drained: nothing waits, whatever traces remember');
    assert.equal(history.points.at(-1)!.lagSecondsSource, 'empty');
  } finally {
    await channel.deleteQueue(queue).catch(() => {});
    await connection.close();
  }
});

test('time in queue from traces reads minutes, not a cap: a message that waited 3 min, its halves in separate exports', { timeout: 60_000 }, async () => {
  const queue = `meshlight.waited.${process.pid}.${Date.now()}`;
  const spans = messageWaitedSpans(queue, 180_000);
  // The producer's export, then (after the collector's expiry tick) the consumer's: the producer half
  // waits for the messaging wait, not the request wait.
  await postTraces({ resourceSpans: [spans.resourceSpans[0]] });
  collector.serviceGraph!.tick();
  await postTraces({ resourceSpans: [spans.resourceSpans[1]] });
  await collector.serviceGraph!.flush({ expirePending: true });
  const times = await loadQueueTimesFromTraces(Date.now(), 5 * 60_000);
  const t = times.find((q) => q.node === `rabbitmq/${queue}`);
  assert.ok(t, `a time in queue for ${queue}: ${JSON.stringify(times)}`);
  assert.deepEqual(t.consumers, ['notifier']);
  // The histogram's last bucket is open from ~106 s; the largest wait seen bounds it.
  assert.ok(t.p95 >= 170_000 && t.p95 <= 190_000, `about 180 s, got ${t.p95} ms`);
  assert.ok(t.recentP95 !== null && t.recentP95 >= 170_000 && t.recentP95 <= 190_000, `recent about 180 s, got ${t.recentP95}`);
});

test('a real NATS JetStream consumer backlog from /jsz?consumers=true', { timeout: 60_000 }, async () => {
  const [port, monitor] = [await freePort(), await freePort()];
  const store = mkdtempSync(path.join(os.tmpdir(), 'meshlight-nats-'));
  const server: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-sd', store], { stdio: 'ignore' });
  try {
    const nc = await eventually(() => natsConnect({ servers: `127.0.0.1:${port}` }).catch(() => undefined), 'nats-server');
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    const js = nc.jetstream();
    for (let i = 0; i < 30; i++) await js.publish('orders.created', new TextEncoder().encode(`o${i}`));
    await jsm.consumers.add('ORDERS', { durable_name: 'order-processor', ack_policy: AckPolicy.Explicit });
    const jsz = async () => (await fetch(`http://127.0.0.1:${monitor}/jsz?consumers=true`)).json();
    collector.health.observeJsz(await jsz(), Date.now(), 'nats-test');
    let g = collector.health.lagStates().find((x) => x.system === 'nats' && x.group === 'order-processor')!;
    assert.equal(g.lag, 30);
    assert.equal(g.destination, 'ORDERS');
    const consumer = await js.consumers.get('ORDERS', 'order-processor');
    const batch = await consumer.fetch({ max_messages: 30, expires: 2000 });
    for await (const m of batch) m.ack();
    await nc.flush();
    const drained = await eventually(async () => {
      collector.health.observeJsz(await jsz(), Date.now(), 'nats-test');
      g = collector.health.lagStates().find((x) => x.system === 'nats' && x.group === 'order-processor')!;
      return g.lag === 0 ? g : undefined;
    }, 'consumer drained');
    assert.equal(drained.status, 'OK');
    await collector.health.flush();
    const listed = (await api<LagGroupResponse[]>(getLag, '/api/lag')).find((x) => x.system === 'nats')!;
    assert.deepEqual({ cluster: listed.cluster, destination: listed.destination, group: listed.group, lag: listed.lag }, { cluster: 'nats-test', destination: 'ORDERS', group: 'order-processor', lag: 0 });
    await nc.close();
  } finally {
    server.kill();
  }
});
