// `npm run demo`: Meshlight plus a small fleet of instrumented services with traffic and
// incidents. Finds what the machine has (RabbitMQ, PostgreSQL, Redis; every one optional), starts
// Meshlight (unless one is already running or --no-meshlight), starts the fleet and the load
// generator, cycles through the chaos scenarios, and prints what is happening. Ctrl-C (or
// --duration) stops the load, then the fleet (which flushes its last spans), then Meshlight.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChaosController } from './lib/chaos-controller';
import { createControlServer } from './lib/control-server';
import { startFleet, SERVICE_NAMES, type Fleet } from './lib/fleet';
import type { FromService } from './lib/ipc';
import { startLoad, type LoadCounters, type LoadGenerator } from './lib/load-generator';
import { spawnMeshlight, waitForHttp, type MeshlightProcess } from './lib/meshlight-process';
import { parseDemoArgs, USAGE, UsageError, type DemoOptions } from './lib/options';
import { metricsTargets, portsFrom } from './lib/ports';
import { acceptsOtlpLogs, ensureRabbitMqPrometheus, httpStatus, prepareDemoDatabase, reachRabbitMq, reachRedis } from './lib/probes';
import { describeChaos, type ChaosState } from './lib/scenarios';
import { announceChaos, clock, formatDuration, statusLine, type FleetFacts } from './lib/summary';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO_DATA = path.join(ROOT, 'data/demo');
const LOG_DIR = path.join(DEMO_DATA, 'logs');
const STATUS_INTERVAL_MS = 15_000;
const MESHLIGHT_READY_TIMEOUT_MS = 15 * 60_000; // the first `next build` on a small machine is slow
const QUEUE_BUILDING = 20;
const REPEATED_SIGNAL_MS = 1_500;

const AMQP_URL = process.env.DEMO_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const PG_ADMIN_URL = process.env.DEMO_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RABBITMQ_PROMETHEUS = 'http://127.0.0.1:15692/metrics';

const say = (line = '') => process.stdout.write(`${line}\n`);

/** Everything that has to be stopped, in the order it is stopped. */
const running: { load?: LoadGenerator; fleet?: Fleet; meshlight?: MeshlightProcess; control?: Server; timers: NodeJS.Timeout[] } = {
  timers: [],
};
let stopping = false;

async function shutdown(reason: string, exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say();
    say(`${clock(new Date())}  stopping (${reason}): load generator, fleet${running.meshlight ? ', then Meshlight' : ''}`);
    for (const timer of running.timers) clearInterval(timer);
    running.control?.close();
    await running.load?.stop();
    await running.fleet?.stop();
    if (running.meshlight) {
      say(`${clock(new Date())}  fleet stopped; stopping Meshlight (it flushes what it accepted)`);
      await running.meshlight.stop();
    }
    say(`${clock(new Date())}  stopped. Service logs are in ${path.relative(process.cwd(), LOG_DIR) || LOG_DIR}/`);
  }
  process.exit(exitCode);
}

interface Dependencies {
  rabbitmq: boolean;
  pgUrl: string | undefined;
  redis: boolean;
  rabbitmqPrometheus: boolean;
}

async function probeDependencies(options: DemoOptions): Promise<Dependencies> {
  const [rabbitmq, pgUrl, redis] = await Promise.all([
    options.noRabbitmq ? false : reachRabbitMq(AMQP_URL),
    options.noPostgres ? undefined : prepareDemoDatabase(PG_ADMIN_URL, 'meshlight_demo'),
    options.noRedis ? false : reachRedis(REDIS_URL),
  ]);
  // The broker's own queue depth for /lag: its Prometheus plugin, enabled here when it is off.
  const rabbitmqPrometheus = rabbitmq ? await ensureRabbitMqPrometheus(RABBITMQ_PROMETHEUS) : false;
  const mark = (ok: boolean) => (ok ? '\u2713' : '\u2013');
  say(`  RabbitMQ     ${mark(rabbitmq)} ${rabbitmq ? 'order.created goes through RabbitMQ' : 'not reachable: notifier hosts an in-process broker instead'}`);
  say(`  PostgreSQL   ${mark(!!pgUrl)} ${pgUrl ? 'orders are stored in the meshlight_demo database' : 'not reachable: orders keeps an in-process table'}`);
  say(`  Redis        ${mark(redis)} ${redis ? 'inventory keeps stock counts in Redis' : 'not reachable: inventory keeps stock in memory'}`);
  if (rabbitmq) {
    say(
      rabbitmqPrometheus
        ? `  RabbitMQ metrics \u2713 ${RABBITMQ_PROMETHEUS} (queue depth: rabbitmq_queue_messages_ready)`
        : '  RabbitMQ metrics \u2013 for queue depth from the broker itself: rabbitmq-plugins enable rabbitmq_prometheus',
    );
  }
  return { rabbitmq, pgUrl, redis, rabbitmqPrometheus };
}

/** Prometheus file_sd targets for every /metrics endpoint, for Meshlight to scrape once it can. */
function writeScrapeTargets(targets: Record<string, string>, rabbitmqPrometheus: boolean): string {
  const file = path.join(DEMO_DATA, 'prometheus-targets.json');
  // No `service` target label: the services put it on every metric themselves (prom-client default
  // labels), and a target label of the same name would turn theirs into `exported_service`.
  const groups: { targets: string[]; labels: Record<string, string> }[] = Object.values(targets).map((target) => ({
    targets: [target],
    labels: { job: 'meshlight-demo' },
  }));
  if (rabbitmqPrometheus) {
    groups.push({ targets: ['127.0.0.1:15692'], labels: { job: 'rabbitmq', service: 'rabbitmq' } });
    // Per-queue depth and consumers are on the plugin's per-object endpoint (Prometheus's __metrics_path__ label).
    groups.push({
      targets: ['127.0.0.1:15692'],
      labels: { job: 'rabbitmq-queues', service: 'rabbitmq', __metrics_path__: '/metrics/per-object' },
    });
  }
  mkdirSync(DEMO_DATA, { recursive: true });
  writeFileSync(file, `${JSON.stringify(groups, null, 2)}\n`);
  return file;
}

/**
 * The MESHLIGHT_SCRAPE_CONFIG the demo starts Meshlight with: scrape every target of the file_sd
 * file above (the fleet's /metrics, and RabbitMQ's Prometheus plugin when it answered) every 5 s, so
 * breaker and queue changes show within seconds (Burrow's rules need three readings of a new backlog).
 * The file is re-read when it changes, so a restarted demo's new ports are picked up.
 */
function writeScrapeConfig(targetsFile: string): string {
  const file = path.join(DEMO_DATA, 'scrape-config.yml');
  writeFileSync(
    file,
    [
      '# Written by `npm run demo`: what Meshlight scrapes (Prometheus scrape_configs format).',
      'global:',
      '  scrape_interval: 5s',
      '  scrape_timeout: 4s',
      'scrape_configs:',
      '  - job_name: meshlight-demo',
      '    file_sd_configs:',
      `      - files: [${JSON.stringify(path.basename(targetsFile))}]`,
      '',
    ].join('\n'),
  );
  return file;
}

async function ensureMeshlight(options: DemoOptions, otlpEndpoint: string, scrapeTargetsFile: string): Promise<void> {
  const external = process.env.MESHLIGHT_OTLP_ENDPOINT;
  const healthy = (await httpStatus(`${otlpEndpoint}/health`)) === 200;
  if (external || options.noMeshlight) {
    if (!healthy) say(`  ! nothing answers at ${otlpEndpoint}/health yet: spans are dropped until Meshlight runs there`);
    else say(`  sending to the Meshlight at ${otlpEndpoint}`);
    return;
  }
  if (healthy) {
    say(`  Meshlight is already running at ${otlpEndpoint}: using it`);
    return;
  }
  say('  starting Meshlight (npm start): the first start builds the UI, which takes a minute or two');
  const meshlight = spawnMeshlight({
    root: ROOT,
    env: { ...process.env, MESHLIGHT_SCRAPE_CONFIG: writeScrapeConfig(scrapeTargetsFile) },
    onLine: (line) => say(`  [meshlight] ${line}`),
  });
  running.meshlight = meshlight;
  void meshlight.exited.then((code) => {
    if (!stopping) {
      say(`  ! Meshlight exited (${code}); stopping the demo`);
      void shutdown('Meshlight exited', code || 1);
    }
  });
  const up = await waitForHttp(`${otlpEndpoint}/health`, (status) => status === 200, MESHLIGHT_READY_TIMEOUT_MS, meshlight.exited);
  if (!up) throw new Error('Meshlight did not become ready');
}

async function main(): Promise<void> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    say(USAGE);
    return;
  }

  // One Ctrl-C can arrive more than once (the terminal signals the whole foreground group, and
  // npm and tsx pass it on), so only a second press a moment later means "stop now".
  let firstInterrupt = 0;
  process.on('SIGINT', () => {
    if (!stopping) {
      firstInterrupt = Date.now();
      void shutdown('Ctrl-C; press it again to stop at once', 0);
    } else if (Date.now() - firstInterrupt > REPEATED_SIGNAL_MS) {
      process.exit(130);
    }
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('terminal closed', 0));
  // `npm run demo | head` and friends: a closed stdout must not take the supervisor down mid-run.
  process.stdout.on('error', () => undefined);
  // The last resort when the supervisor exits without its orderly stop (a crash, a second
  // Ctrl-C): the services stop themselves when their IPC channel closes; Meshlight is asked to.
  process.on('exit', () => running.meshlight?.abandon());

  const ports = portsFrom(options.portBase);
  const uiPort = process.env.MESHLIGHT_UI_PORT ?? process.env.PORT ?? '3000';
  const otlpEndpoint = (process.env.MESHLIGHT_OTLP_ENDPOINT ?? `http://127.0.0.1:${process.env.MESHLIGHT_OTLP_HTTP_PORT ?? '4318'}`).replace(/\/+$/, '');
  const targets = metricsTargets(ports);

  say('Meshlight demo');
  const deps = await probeDependencies(options);
  const scrapeTargetsFile = writeScrapeTargets(targets, deps.rabbitmqPrometheus);
  await ensureMeshlight(options, otlpEndpoint, scrapeTargetsFile);
  const otlpLogs = await acceptsOtlpLogs(otlpEndpoint);

  say(`  starting the fleet: ${SERVICE_NAMES.join(', ')}`);
  const facts: FleetFacts = { breaker: 'closed', queue: undefined };
  let queueBuilding = false;
  const onMessage = (message: FromService) => {
    if (message.type === 'breaker') {
      facts.breaker = message.state;
      const shout = message.state === 'open' ? 'OPEN: checkouts fail fast' : message.state === 'half_open' ? 'half-open: one trial call' : 'closed again';
      say(`${clock(new Date())}  \u26a1 ${message.service}: ${message.circuit} breaker ${shout}`);
    } else if (message.type === 'queue') {
      facts.queue = { name: message.queue, depth: message.depth, processed: message.processed };
      if (!queueBuilding && message.depth >= QUEUE_BUILDING) {
        queueBuilding = true;
        say(`${clock(new Date())}  \u26a1 queue ${message.queue} is building up: ${message.depth} waiting`);
      } else if (queueBuilding && message.depth === 0) {
        queueBuilding = false;
        say(`${clock(new Date())}  \u26a1 queue ${message.queue} drained`);
      }
    }
  };
  const startedAt = Date.now();
  running.fleet = await startFleet(
    {
      ports,
      otlpEndpoint,
      otlpLogs,
      broker: deps.rabbitmq ? { kind: 'rabbitmq', url: AMQP_URL } : { kind: 'in-process' },
      pgUrl: deps.pgUrl,
      redisUrl: deps.redis ? REDIS_URL : undefined,
      namespace: process.env.DEMO_NAMESPACE ?? '', // keeps two demos on one RabbitMQ apart
      breakerResetMs: 10_000,
      chaos: options.chaos ?? 'none',
      logDir: LOG_DIR,
    },
    {
      onMessage,
      onUnexpectedExit: (service, code, signal) => {
        say(`  ! ${service} exited (${signal ?? code}); see ${path.join(LOG_DIR, `${service}.log`)}`);
        void shutdown(`${service} exited`, 1);
      },
    },
  );
  say(`  fleet ready in ${formatDuration(Date.now() - startedAt)}`);

  const load = startLoad({ gatewayUrl: `http://127.0.0.1:${ports.gateway}`, requestsPerSecond: options.rate });
  running.load = load;
  const uiAnswers = running.meshlight ? true : (await httpStatus(`http://127.0.0.1:${uiPort}/`)) !== undefined;
  printSummary(options, deps, { uiPort, uiAnswers, otlpLogs, scrapeTargetsFile });

  // After the summary, so a pinned scenario's announcement comes after it too.
  const fleet = running.fleet;
  let current: ChaosState = 'none';
  const chaos = new ChaosController(
    { warmupMs: options.warmup * 1000, incidentMs: options.incident * 1000, recoveryMs: options.recovery * 1000 },
    options.chaos ? { mode: 'pinned', state: options.chaos } : options.noChaos ? { mode: 'pinned', state: 'none' } : { mode: 'cycle' },
    (state) => {
      for (const line of announceChaos(new Date(), current, state)) say(line);
      current = state;
      fleet.setChaos(state);
    },
  );
  const control = createControlServer({
    status: () => ({ chaos: chaos.status(), load: load.counters(), breaker: facts.breaker, queue: facts.queue, ports }),
    chaos: () => chaos.status(),
    pin: (state) => chaos.pin(state),
    resumeCycle: () => chaos.resumeCycle(),
  });
  control.on('error', (error) => say(`  ! control endpoint not available: ${error.message}`));
  control.listen(ports.control, '127.0.0.1');
  running.control = control;

  if (running.meshlight) {
    void waitForHttp(`http://127.0.0.1:${uiPort}/`, () => true, MESHLIGHT_READY_TIMEOUT_MS, running.meshlight.exited).then((up) => {
      if (up && !stopping) say(`${clock(new Date())}  dashboard is up: http://localhost:${uiPort}`);
    });
  }
  running.timers.push(setInterval(() => chaos.tick(), 1_000));
  let previous: LoadCounters = load.counters();
  let previousAt = Date.now();
  running.timers.push(
    setInterval(() => {
      const now = Date.now();
      // Tick first: at a phase boundary the line would otherwise show the old phase as the next one.
      chaos.tick();
      const counters = load.counters();
      say(statusLine(new Date(now), previous, counters, now - previousAt, facts, chaos.status()));
      previous = counters;
      previousAt = now;
    }, STATUS_INTERVAL_MS),
  );
  if (options.duration) {
    running.timers.push(setTimeout(() => void shutdown(`--duration ${options.duration}`, 0), options.duration * 1000));
  }
}

function printSummary(
  options: DemoOptions,
  deps: Dependencies,
  meshlight: { uiPort: string; uiAnswers: boolean; otlpLogs: boolean; scrapeTargetsFile: string },
): void {
  const ports = portsFrom(options.portBase);
  const cycle = options.chaos
    ? `pinned: ${describeChaos(options.chaos)}`
    : options.noChaos
      ? 'off (--no-chaos)'
      : `calm for ${formatDuration(options.warmup * 1000)}, then payments down, slow consumer and inventory latency, ` +
        `${formatDuration(options.incident * 1000)} each with ${formatDuration(options.recovery * 1000)} to recover, repeating`;
  const relative = (p: string) => path.relative(process.cwd(), p) || p;
  say();
  say('  Meshlight demo is running');
  say(`    dashboard      http://localhost:${meshlight.uiPort}${meshlight.uiAnswers ? '' : '  (nothing answers there yet: open your Meshlight\u2019s UI)'}`);
  say(`    fleet          gateway :${ports.gateway} \u2192 orders :${ports.orders} \u2192 inventory :${ports.inventory} (gRPC)`);
  const broker = deps.rabbitmq ? 'RabbitMQ' : 'in-process broker';
  say(`                   orders \u2192 payments :${ports.payments} (HTTP, circuit breaker) \u00b7 orders \u2192 order.created \u2192 notifier (${broker})`);
  say(`                   orders \u2192 ${deps.pgUrl ? 'PostgreSQL' : 'in-process table'} \u00b7 inventory \u2192 ${deps.redis ? 'Redis' : 'in-memory stock'}`);
  say(`    traffic        ${options.rate} requests/s to http://127.0.0.1:${ports.gateway}/api/...`);
  say(`    chaos          ${cycle}`);
  const control = `localhost:${ports.control}`;
  say(`    control        curl -s ${control}/status \u00b7 curl -s -XPOST ${control}/chaos -d '{"scenario":"payments-down"}'  ("none", "cycle")`);
  say(`    metrics        Prometheus /metrics on ${Object.values(metricsTargets(ports)).join(', ')}`);
  say(`                   targets for scraping: ${relative(meshlight.scrapeTargetsFile)}`);
  const otlpLogs = meshlight.otlpLogs ? ', and to Meshlight over OTLP' : '';
  say(`    logs           ${relative(LOG_DIR)}/<service>.log (JSON with trace_id, span_id, correlation_id)${otlpLogs}`);
  say('  Ctrl-C stops everything.');
  say();
}

main().catch((error: unknown) => {
  say(`  ! ${error instanceof Error ? error.message : String(error)}`);
  void shutdown('start-up failed', 1);
});
