// What the benchmarks share: scratch databases, child processes that announce readiness on
// stdout, and OTLP/HTTP senders that honour 503 + Retry-After.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ROOT } from './prepare';
import { uiServerArgs, uiServerEnv } from './ui-process';

export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const databaseUrl = (name: string) => ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Whether a database exists on the benchmark server (kept benchmark data). */
export async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

/** Drops and recreates a database on the benchmark server; returns its URL. */
export async function resetDatabase(name: string): Promise<string> {
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux; NaN elsewhere). Per sample it
 * moves far less with the machine's load than the rates do.
 */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by the PostgreSQL processes working for `database` (its backends and
 * autovacuum workers, named in their process titles) and by the server's shared writers (WAL
 * writer, checkpointer, background writer), from /proc (Linux; NaN elsewhere). A backend that
 * exits between two readings takes its share with it: read while the work's connections are open.
 */
export function postgresCpuSeconds(database: string): number {
  let total = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return NaN;
  }
  for (const pid of pids) {
    let title: string;
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!title.startsWith('postgres: ')) continue;
    if (!title.includes(` ${database} `) && !/^postgres: (\S+: )?(walwriter|checkpointer|background writer)/.test(title)) continue;
    const seconds = cpuSeconds(Number(pid));
    if (Number.isNaN(seconds)) continue;
    total += seconds;
    found = true;
  }
  return found ? total : NaN;
}

/** Starts the UI server (`next start`, built) on `port` the way `npm start` does. */
export function startUiChild(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const childEnv = uiServerEnv(process.env, env) as Record<string, string>;
  return startChild(uiServerArgs('start', port, '127.0.0.1', childEnv), childEnv, /Ready|started server|Local:/i);
}

/** Starts `node <args>` and resolves with the first stdout line matching `readyLine`. */
export function startChild(args: string[], env: Record<string, string>, readyLine: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (readyLine.test(line)) resolve({ child, line });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)));
  });
}

/**
 * A collector as deployed (`collector/main.ts` in its own process, so the senders here neither
 * share its event loop nor count in its CPU) on `databaseUrl`, every port chosen by the system,
 * no self-tracing, a fresh data directory; `env` adds or overrides settings. Resolves with its
 * OTLP/HTTP port (and its data directory) once it has announced itself ready. `cpuProfileDir`: it
 * writes a V8 CPU profile there when it exits.
 */
export async function startCollectorChild(
  databaseUrl: string,
  env: Record<string, string> = {},
  cpuProfileDir?: string,
): Promise<{ child: ChildProcess; port: number; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-bench-'));
  const { child, line } = await startChild(
    [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), '--import', 'tsx', path.join(ROOT, 'collector/main.ts')],
    {
      DATABASE_URL: databaseUrl,
      MESHLIGHT_OTLP_HTTP_PORT: '0',
      MESHLIGHT_OTLP_GRPC_PORT: '0',
      MESHLIGHT_ZIPKIN_PORT: '0',
      MESHLIGHT_SELF_TRACE_RATIO: '0',
      MESHLIGHT_DATA_DIR: dataDir,
      ...env,
    },
    /meshlight-collector-ready/,
  );
  return { child, port: (JSON.parse(line) as { otlpHttpPort: number }).otlpHttpPort, dataDir };
}

/** Stops a child process (SIGTERM) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** How many items of `signal` ('traces', 'logs', 'metrics') a collector has committed (its /health). */
export async function signalWritten(port: number, signal: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  if (!response.ok) throw new Error(`collector health answered ${response.status}`);
  const health = (await response.json()) as { signals: Record<string, { written: number }> };
  return health.signals[signal]!.written;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Where and how a benchmark's requests are posted, and which answers mean accepted. */
export interface IngestRoute {
  path: string;
  headers: Record<string, string>;
  accepted: readonly number[];
}

const OTLP_TRACES: IngestRoute = { path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf' }, accepted: [200] };

function post(port: number, body: Uint8Array, route: IngestRoute): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: route.path, method: 'POST', agent, headers: { ...route.headers, 'content-length': body.byteLength } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts `requests` from `senders` concurrent loops. A 503/429 is retried after `retryDelayMs` (the
 * benchmark wants the receiver busy, not idle for a whole Retry-After second); any other refusal
 * fails the benchmark.
 */
export async function sendRequests(port: number, requests: readonly Uint8Array[], senders: number, route: IngestRoute, retryDelayMs = 200): Promise<{ retries: number }> {
  let next = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < requests.length) {
        const body = requests[next++]!;
        for (;;) {
          const status = await post(port, body, route);
          if (route.accepted.includes(status)) break;
          if (status !== 503 && status !== 429) throw new Error(`${route.path} answered ${status}`);
          retries++;
          await new Promise((r) => setTimeout(r, retryDelayMs));
        }
      }
    }),
  );
  return { retries };
}

/** OTLP/HTTP protobuf trace requests, as sendRequests() sends them. */
export function sendOtlp(port: number, requests: Uint8Array[], senders: number, retryDelayMs = 200): Promise<{ retries: number }> {
  return sendRequests(port, requests, senders, OTLP_TRACES, retryDelayMs);
}

export async function spansWritten(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  if (!response.ok) throw new Error(`collector health answered ${response.status}`);
  return ((await response.json()) as { spansWritten: number }).spansWritten;
}

export function closeSenders(): void {
  agent.destroy();
}
