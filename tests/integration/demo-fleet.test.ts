// The demo fleet (scripts/demo) against a real collector on a scratch database: real services with
// the OpenTelemetry Node SDK, real HTTP, gRPC, RabbitMQ (when reachable), PostgreSQL and Redis
// (when reachable). Drives traffic, takes payments down until the breaker opens, heals it until it
// closes, slows the consumer until the queue builds up and drains, then checks what arrived in the
// spans table: the services, the cross-service edges of each kind, the database calls, the
// errors, the breaker, the consumer lag and the correlation ids. A second, shorter run checks the
// fallbacks that a machine without RabbitMQ, PostgreSQL or Redis gets.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startFleet, type FleetConfig } from '../../scripts/demo/lib/fleet';
import type { BreakerState, FromService } from '../../scripts/demo/lib/ipc';
import { startLoad, type LoadGenerator } from '../../scripts/demo/lib/load-generator';
import { reachRabbitMq, reachRedis } from '../../scripts/demo/lib/probes';
import { demoPorts } from '../support/demo-fleet';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

const AMQP_URL = process.env.DEMO_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379';
const STEP_TIMEOUT_MS = 30_000;
const SERVICES = ['gateway', 'inventory', 'notifier', 'orders', 'payments'];

// OTLP span kinds as stored (https://opentelemetry.io/docs/specs/otlp/): 2 server, 3 client,
// 4 producer, 5 consumer; status code 2 = error.
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const ERROR = 2;

/** Messages from the fleet, and a way to wait for one (including one that came already). */
class FleetMessages {
  private readonly seen: FromService[] = [];
  private readonly waiters: Array<{ match: (m: FromService) => boolean; resolve: () => void }> = [];

  push = (message: FromService) => {
    this.seen.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  /** Waits for a message matching `match` that arrives after the `since`-th message. */
  waitFor(what: string, match: (m: FromService) => boolean, since = 0): Promise<void> {
    if (this.seen.slice(since).some(match)) return Promise.resolve();
    return withTimeout(what, new Promise<void>((resolve) => this.waiters.push({ match, resolve })));
  }

  get count(): number {
    return this.seen.length;
  }
}

function withTimeout<T>(what: string, promise: Promise<T>, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

/** Waits until the load generator has had `count` more successful answers. */
function successes(load: LoadGenerator, count: number): Promise<void> {
  const target = load.counters().ok + count;
  return withTimeout(
    `${count} successful requests`,
    new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (load.counters().ok >= target) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
    }),
  );
}

const breakerIs = (state: BreakerState) => (m: FromService) => m.type === 'breaker' && m.state === state;

interface FleetRun {
  database: ScratchDatabase;
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  logDir: string;
  close(): Promise<void>;
}

/**
 * Runs the fleet against an in-process collector on a fresh database, lets `drive` put it through
 * its paces, stops everything (services flush their spans as they stop), and opens the database.
 */
async function runFleet(
  dependencies: Pick<FleetConfig, 'broker' | 'redisUrl'> & { postgres: boolean },
  drive: (ctx: { fleet: Awaited<ReturnType<typeof startFleet>>; load: LoadGenerator; messages: FleetMessages }) => Promise<void>,
): Promise<FleetRun> {
  const database = await createScratchDatabase('meshlight_demo_test');
  const collector = await startTestCollector(database.url);
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-demo-test-'));
  const messages = new FleetMessages();
  const unexpected: string[] = [];
  let load: LoadGenerator | undefined;
  let fleet: Awaited<ReturnType<typeof startFleet>> | undefined;
  try {
    const ports = await demoPorts();
    fleet = await startFleet(
      {
        ports,
        otlpEndpoint: `http://127.0.0.1:${collector.httpPort}`,
        // Meshlight takes OTLP logs: the services' pino logs go there too, as `npm run demo` sends them.
        otlpLogs: true,
        broker: dependencies.broker,
        // The orders table lives in the scratch database too, and goes with it.
        pgUrl: dependencies.postgres ? database.url : undefined,
        redisUrl: dependencies.redisUrl,
        namespace: `test-${randomBytes(4).toString('hex')}`,
        breakerResetMs: 2_000,
        chaos: 'none',
        logDir,
      },
      { onMessage: messages.push, onUnexpectedExit: (service, code) => unexpected.push(`${service} exited (${code})`) },
    );
    load = startLoad({ gatewayUrl: `http://127.0.0.1:${ports.gateway}`, requestsPerSecond: 15 });
    await drive({ fleet, load, messages });
    assert.deepEqual(unexpected, [], `services died; logs in ${logDir}`);
  } finally {
    await load?.stop();
    await fleet?.stop();
    await collector.flushed(10_000);
    await collector.stop();
  }
  const client = new pg.Client(database.url);
  await client.connect();
  return {
    database,
    logDir,
    query: async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<R>(sql, params)).rows,
    async close() {
      await client.end();
      await database.drop();
    },
  };
}

/** Pairs of services where a span of `parentKind` in one has a child of `childKind` in the other. */
async function crossServiceEdges(run: FleetRun, parentKind: number, childKind: number): Promise<Array<{ parent: string; child: string; rpc: string | null }>> {
  return run.query(
    `SELECT DISTINCT p.service_name AS parent, c.service_name AS child, c.attributes->>'rpc.system' AS rpc
       FROM spans p
       JOIN spans c ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
      WHERE p.kind = $1 AND c.kind = $2 AND p.service_name <> c.service_name
      ORDER BY 1, 2`,
    [parentKind, childKind],
  );
}

async function count(run: FleetRun, where: string, params: unknown[] = []): Promise<number> {
  const [row] = await run.query<{ n: number }>(`SELECT count(*)::int AS n FROM spans WHERE ${where}`, params);
  return row!.n;
}

async function serviceNames(run: FleetRun): Promise<string[]> {
  return (await run.query<{ service_name: string }>('SELECT DISTINCT service_name FROM spans ORDER BY 1')).map((r) => r.service_name);
}

describe('the demo fleet with the machine\u2019s RabbitMQ, PostgreSQL and Redis', { timeout: 180_000 }, () => {
  let run: FleetRun;

  before(async () => {
    const [rabbitmq, redis] = await Promise.all([reachRabbitMq(AMQP_URL), reachRedis(REDIS_URL)]);
    run = await runFleet(
      { broker: rabbitmq ? { kind: 'rabbitmq', url: AMQP_URL } : { kind: 'in-process' }, redisUrl: redis ? REDIS_URL : undefined, postgres: true },
      async ({ fleet, load, messages }) => {
        // A healthy baseline, with some order.created messages through notifier.
        await successes(load, 40);
        await messages.waitFor('notifier to process messages', (m) => m.type === 'queue' && m.processed >= 10);
        // The incident: payments fails until the breaker opens...
        const before = messages.count;
        fleet.setChaos('payments-down');
        await messages.waitFor('the breaker to open', breakerIs('open'), before);
        // ...and heals: the breaker half-opens after 2 s, the trial call succeeds, it closes.
        const opened = messages.count;
        fleet.setChaos('none');
        await messages.waitFor('the breaker to close', breakerIs('closed'), opened);
        await successes(load, 20);
        // A slow consumer: the queue builds up, then drains once healed.
        const healthy = messages.count;
        fleet.setChaos('slow-consumer');
        // 20 waiting is about 2.5 s into the slowdown: the message in hand has waited over a second.
        await messages.waitFor('the queue to build up', (m) => m.type === 'queue' && m.depth >= 20, healthy);
        const built = messages.count;
        fleet.setChaos('none');
        await messages.waitFor('the queue to drain', (m) => m.type === 'queue' && m.depth === 0, built);
      },
    );
  });

  after(() => run?.close());

  test('spans arrive from all five services', async () => {
    const services = await serviceNames(run);
    for (const service of SERVICES) assert.ok(services.includes(service), `no spans from ${service}: ${services.join(', ')}`);
  });

  test('HTTP edges: gateway \u2192 orders and orders \u2192 payments, CLIENT span to SERVER span', async () => {
    const edges = (await crossServiceEdges(run, CLIENT, SERVER)).filter((e) => e.rpc === null).map((e) => `${e.parent}\u2192${e.child}`);
    assert.ok(edges.includes('gateway\u2192orders'), edges.join(', '));
    assert.ok(edges.includes('orders\u2192payments'), edges.join(', '));
  });

  test('gRPC edges: orders \u2192 inventory and gateway \u2192 inventory, with rpc.system=grpc', async () => {
    const edges = (await crossServiceEdges(run, CLIENT, SERVER)).filter((e) => e.rpc === 'grpc').map((e) => `${e.parent}\u2192${e.child}`);
    assert.ok(edges.includes('orders\u2192inventory'), edges.join(', '));
    assert.ok(edges.includes('gateway\u2192inventory'), edges.join(', '));
  });

  test('messaging edge: a PRODUCER span in orders is the parent of a CONSUMER span in notifier', async () => {
    const edges = await crossServiceEdges(run, PRODUCER, CONSUMER);
    assert.deepEqual(edges.map((e) => `${e.parent}\u2192${e.child}`), ['orders\u2192notifier']);
  });

  test('database calls: CLIENT spans in orders with db.system.name=postgresql', async () => {
    const rows = await run.query<{ system: string; n: number }>(
      `SELECT coalesce(attributes->>'db.system.name', attributes->>'db.system') AS system, count(*)::int AS n
         FROM spans WHERE service_name = 'orders' AND kind = $1
          AND (attributes ? 'db.system.name' OR attributes ? 'db.system')
        GROUP BY 1`,
      [CLIENT],
    );
    assert.deepEqual(rows.map((r) => r.system), ['postgresql']);
    assert.ok(rows[0]!.n > 10);
  });

  test('while payments is down there are error spans in payments, orders and gateway', async () => {
    for (const service of ['payments', 'orders', 'gateway']) {
      const errors = await count(run, 'service_name = $1 AND kind = $2 AND status_code = $3', [service, SERVER, ERROR]);
      assert.ok(errors > 0, `no error SERVER spans in ${service}`);
    }
  });

  test('the breaker opened (calls rejected without reaching payments) and closed after a successful trial call', async () => {
    const rejected = await count(
      run,
      `service_name = 'orders' AND name = 'payments.charge' AND attributes->>'circuit.state' = 'open'
       AND attributes->>'circuit.rejected' = 'true' AND status_code = $1`,
      [ERROR],
    );
    assert.ok(rejected > 0, 'no payments.charge span was rejected by an open breaker');
    const trial = await count(
      run,
      `service_name = 'orders' AND name = 'payments.charge' AND attributes->>'circuit.state' = 'half_open' AND status_code <> $1`,
      [ERROR],
    );
    assert.ok(trial > 0, 'no successful trial call while half-open');
  });

  test('the slow consumer shows as consumer lag on notifier\u2019s CONSUMER spans', async () => {
    const [row] = await run.query<{ max: number }>(
      `SELECT max((attributes->>'messaging.consumer.lag_ms')::float8) AS max FROM spans WHERE service_name = 'notifier' AND kind = $1`,
      [CONSUMER],
    );
    assert.ok(row!.max > 1_000, `the largest lag was ${row!.max} ms`);
  });

  test('one x-correlation-id follows a checkout through every service: HTTP, gRPC and the broker', async () => {
    const [best] = await run.query<{ services: string[]; traces: number }>(
      `SELECT array_agg(DISTINCT service_name ORDER BY service_name) AS services, count(DISTINCT trace_id)::int AS traces
         FROM spans WHERE attributes ? 'app.correlation_id'
        GROUP BY attributes->>'app.correlation_id'
        ORDER BY count(DISTINCT service_name) DESC LIMIT 1`,
    );
    assert.deepEqual(best, { services: SERVICES, traces: 1 });
  });
});

describe('the demo fleet on a machine without RabbitMQ, PostgreSQL or Redis', { timeout: 120_000 }, () => {
  let run: FleetRun;

  before(async () => {
    run = await runFleet({ broker: { kind: 'in-process' }, redisUrl: undefined, postgres: false }, async ({ load, messages }) => {
      await successes(load, 40);
      await messages.waitFor('notifier to process messages', (m) => m.type === 'queue' && m.processed >= 10);
    });
  });

  after(() => run?.close());

  test('still five services', async () => {
    assert.deepEqual(await serviceNames(run), SERVICES);
  });

  test('the fleet\u2019s pino logs arrive over OTLP; notifier\u2019s audit line knows only the correlation id and still joins its trace', async () => {
    const [logged] = await run.query<{ services: string[] }>(`SELECT array_agg(DISTINCT service_name ORDER BY service_name) AS services FROM logs`);
    for (const service of ['gateway', 'notifier', 'orders']) assert.ok(logged!.services.includes(service), `${service} logs: ${logged!.services.join()}`);
    const audits = await run.query<{ trace_id: string | null; correlation_id: string | null }>(
      `SELECT encode(trace_id, 'hex') AS trace_id, correlation_id FROM logs WHERE service_name = 'notifier' AND body = 'confirmation e-mail sent'`,
    );
    assert.ok(audits.length > 0, 'notifier logged its e-mails');
    assert.ok(audits.every((a) => a.trace_id === null && a.correlation_id), 'only the correlation id');
    const [joined] = await run.query<{ n: number }>(
      `SELECT count(DISTINCT l.correlation_id)::int AS n FROM logs l JOIN correlations c ON c.correlation_id = l.correlation_id
        WHERE l.service_name = 'notifier' AND l.trace_id IS NULL`,
    );
    assert.ok(joined!.n > 0, 'the spans taught which trace each audit line belongs to');
  });

  test('the in-process broker still links orders\u2019 PRODUCER span to notifier\u2019s CONSUMER span', async () => {
    const edges = await crossServiceEdges(run, PRODUCER, CONSUMER);
    assert.deepEqual(edges.map((e) => `${e.parent}\u2192${e.child}`), ['orders\u2192notifier']);
    const system = await count(run, `kind = $1 AND attributes->>'messaging.system' = 'in-process'`, [CONSUMER]);
    assert.ok(system > 0);
  });

  test('the in-process table still makes database CLIENT spans', async () => {
    assert.ok((await count(run, `service_name = 'orders' AND kind = $1 AND attributes->>'db.system.name' = 'in-memory'`, [CLIENT])) > 10);
  });

  test('the broker\u2019s HTTP hop is plumbing: no HTTP edge from orders to notifier', async () => {
    const edges = (await crossServiceEdges(run, CLIENT, SERVER)).map((e) => `${e.parent}\u2192${e.child}`);
    assert.ok(!edges.includes('orders\u2192notifier'), edges.join(', '));
  });
});
