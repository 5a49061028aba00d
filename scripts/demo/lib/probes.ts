// What the demo finds on this machine before it starts the fleet: RabbitMQ, PostgreSQL, Redis,
// RabbitMQ's Prometheus plugin, and whether Meshlight takes OTLP logs yet. Every probe answers
// quickly with "no" when the thing is missing, so a machine with none of them still gets a demo
// (the in-process broker, the in-memory table and stock).
import net from 'node:net';
import amqp from 'amqplib';
import pg from 'pg';

const PROBE_TIMEOUT_MS = 1_500;

export async function reachRabbitMq(url: string): Promise<boolean> {
  try {
    const connection = await amqp.connect(url, { timeout: PROBE_TIMEOUT_MS });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the demo's own database exists on the PostgreSQL server at `adminUrl` (creating it
 * if missing) and answers its URL; undefined when no server answers.
 */
export async function prepareDemoDatabase(adminUrl: string, database: string): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Redis answers PING with +PONG; anything else (or nothing) is a no. */
export function reachRedis(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port) || 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** The status of a GET, or undefined when nothing answered. */
export async function httpStatus(url: string, init: RequestInit = {}): Promise<number | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Whether Meshlight's collector takes OTLP logs: an empty export is accepted, or refused as 404. */
export async function acceptsOtlpLogs(otlpEndpoint: string): Promise<boolean> {
  const status = await httpStatus(`${otlpEndpoint}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"resourceLogs":[]}',
  });
  return status !== undefined && status >= 200 && status < 300;
}

/**
 * RabbitMQ's own Prometheus endpoint (queue depth for the lag page): when the broker runs here but
 * the endpoint does not answer, enable its plugin (`rabbitmq-plugins enable rabbitmq_prometheus`,
 * as `.ci/run` does) and wait for port 15692. False when it cannot be enabled (no rabbitmq-plugins,
 * not allowed, a broker on another machine).
 */
export async function ensureRabbitMqPrometheus(url: string): Promise<boolean> {
  if ((await httpStatus(url)) === 200) return true;
  const { execFile } = await import('node:child_process');
  const enabled = await new Promise<boolean>((resolve) =>
    execFile('rabbitmq-plugins', ['enable', 'rabbitmq_prometheus'], { timeout: 60_000 }, (error) => resolve(!error)),
  );
  if (!enabled) return false;
  for (let i = 0; i < 30; i++) {
    if ((await httpStatus(url)) === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}
