// Starts and stops the demo's services, each its own Node process with its own OpenTelemetry SDK
// (as real services are): `node --import tsx --import telemetry.ts services/<name>.ts`. The
// supervisor talks to them over Node's IPC channel (chaos down; readiness, breaker and queue facts
// up). Each runs in its own process group so a terminal's Ctrl-C reaches only the supervisor, which
// then stops everything in order; a service whose supervisor vanishes stops itself (see
// service-runtime.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromServiceSchema, type FromService } from './ipc';
import type { DemoPorts } from './ports';
import type { ChaosState } from './scenarios';

const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(DEMO_DIR, '../..');

export const SERVICE_NAMES = ['gateway', 'orders', 'payments', 'inventory', 'notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface FleetConfig {
  ports: DemoPorts;
  /** Meshlight's OTLP/HTTP base URL, e.g. http://127.0.0.1:4318. */
  otlpEndpoint: string;
  /** Whether Meshlight accepts OTLP logs (else logs stay in the log files). */
  otlpLogs: boolean;
  broker: { kind: 'rabbitmq'; url: string } | { kind: 'in-process' };
  /** The demo's own database; undefined = orders keeps orders in memory. */
  pgUrl: string | undefined;
  redisUrl: string | undefined;
  namespace: string;
  breakerResetMs: number;
  chaos: ChaosState;
  /** Where each service's stdout/stderr go (`<dir>/<service>.log`, fresh each run); undefined = discarded. */
  logDir: string | undefined;
}

/** The environment of one service: OpenTelemetry's standard variables plus the demo's own. */
export function serviceEnvironment(name: ServiceName, config: FleetConfig): Record<string, string> {
  const { ports } = config;
  const common: Record<string, string | undefined> = {
    OTEL_SERVICE_NAME: name,
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=meshlight-demo,service.version=1.0.0,deployment.environment.name=demo',
    OTEL_EXPORTER_OTLP_ENDPOINT: config.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: config.otlpLogs ? 'otlp' : 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    OTEL_BLRP_SCHEDULE_DELAY: '1000',
    DEMO_CHAOS: config.chaos,
    DEMO_NAMESPACE: config.namespace,
    DEMO_BROKER: config.broker.kind,
    DEMO_AMQP_URL: config.broker.kind === 'rabbitmq' ? config.broker.url : undefined,
  };
  const own: Record<ServiceName, Record<string, string | undefined>> = {
    gateway: {
      DEMO_PORT: String(ports.gateway),
      DEMO_ORDERS_URL: `http://127.0.0.1:${ports.orders}`,
      DEMO_INVENTORY_ADDRESS: `127.0.0.1:${ports.inventory}`,
    },
    orders: {
      DEMO_PORT: String(ports.orders),
      DEMO_PAYMENTS_URL: `http://127.0.0.1:${ports.payments}`,
      DEMO_INVENTORY_ADDRESS: `127.0.0.1:${ports.inventory}`,
      DEMO_NOTIFIER_URL: `http://127.0.0.1:${ports.notifier}`,
      DEMO_PG_URL: config.pgUrl,
      DEMO_BREAKER_RESET_MS: String(config.breakerResetMs),
    },
    payments: { DEMO_PORT: String(ports.payments) },
    inventory: {
      DEMO_PORT: String(ports.inventory),
      DEMO_METRICS_PORT: String(ports.inventoryMetrics),
      DEMO_REDIS_URL: config.redisUrl,
    },
    notifier: { DEMO_PORT: String(ports.notifier) },
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...common, ...own[name] })) if (value !== undefined) env[key] = value;
  return env;
}

export interface Fleet {
  setChaos(state: ChaosState): void;
  /** Stops every service (SIGTERM, then SIGKILL after the grace period) and waits for them. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

// Everything in the parent's environment except OpenTelemetry's and the demo's own variables,
// which the fleet sets explicitly so a stray OTEL_* in the user's shell cannot redirect a service.
function baseEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key.startsWith('DEMO_')) delete env[key];
  return env;
}

export interface FleetListeners {
  onMessage(message: FromService): void;
  /** A service stopped on its own while the fleet was running. */
  onUnexpectedExit(service: ServiceName, code: number | null, signal: NodeJS.Signals | null): void;
}

export async function startFleet(config: FleetConfig, listeners: FleetListeners): Promise<Fleet> {
  if (config.logDir) mkdirSync(config.logDir, { recursive: true });
  const children = new Map<ServiceName, ChildProcess>();
  let stopping = false;

  const spawnService = (name: ServiceName): ChildProcess => {
    const log = config.logDir ? openSync(path.join(config.logDir, `${name}.log`), 'w') : 'ignore';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', path.join(DEMO_DIR, 'telemetry.ts'), path.join(DEMO_DIR, 'services', `${name}.ts`)],
      {
        cwd: ROOT,
        stdio: ['ignore', log, log, 'ipc'],
        detached: true,
        env: { ...baseEnvironment(), ...serviceEnvironment(name, config) },
      },
    );
    if (typeof log === 'number') closeSync(log);
    child.on('message', (raw) => {
      const parsed = fromServiceSchema.safeParse(raw);
      if (parsed.success) listeners.onMessage(parsed.data);
    });
    child.once('exit', (code, signal) => {
      if (!stopping) listeners.onUnexpectedExit(name, code, signal);
    });
    children.set(name, child);
    return child;
  };

  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(timer);
      }),
    );
  };

  const readiness = SERVICE_NAMES.map((name) => {
    const child = spawnService(name);
    return new Promise<void>((resolve, reject) => {
      const onReady = (raw: unknown) => {
        const parsed = fromServiceSchema.safeParse(raw);
        if (parsed.success && parsed.data.type === 'ready') {
          child.off('message', onReady);
          resolve();
        }
      };
      child.on('message', onReady);
      child.once('exit', (code, signal) => {
        if (stopping) return;
        const hint = config.logDir ? `; see ${path.join(config.logDir, `${name}.log`)}` : '';
        reject(new Error(`${name} exited (${signal ?? code}) before it was ready${hint}`));
      });
    });
  });
  let timeout: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(readiness),
      new Promise((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`the fleet was not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timeout);
  }

  return {
    setChaos(state) {
      for (const child of children.values()) if (child.connected) child.send({ type: 'chaos', state });
    },
    stop,
  };
}
