// `npm start`: builds what is stale, starts the collector (OTLP on 4318/4317, and the embedded
// database when DATABASE_URL is unset), waits for it, then starts the UI server on 3000 pointed
// at the same database. Ctrl-C stops the UI, then lets the collector flush what it accepted.
// `--dev` runs `next dev` instead of a production build.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { buildUi, generatePrismaClient, ROOT } from './prepare';
import { uiServerArgs, uiServerEnv, uiTls } from './ui-process';
import { readUiServerLimits } from '../lib/contracts/ui-server-env';

const dev = process.argv.includes('--dev');
const uiPort = process.env.MESHLIGHT_UI_PORT ?? process.env.PORT ?? '3000';
const bindHost = process.env.MESHLIGHT_BIND_HOST ?? '127.0.0.1';

interface CollectorReady {
  event: 'meshlight-collector-ready';
  databaseUrl: string;
  otlpHttpPort: number;
  otlpGrpcPort: number;
}

function startCollector(): Promise<{ child: ChildProcess; ready: CollectorReady }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collector/main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order.
    detached: true,
    env: process.env,
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as Partial<CollectorReady>;
        if (message.event === 'meshlight-collector-ready') resolve({ child, ready: message as CollectorReady });
        return;
      } catch {
        // not ours: pass it through
      }
      process.stdout.write(`${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`the collector exited with code ${code} before it was ready`)));
  });
}

function startUi(databaseUrl: string, ready: CollectorReady): ChildProcess {
  return spawn(process.execPath, uiServerArgs(dev ? 'dev' : 'start', uiPort, bindHost), {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: uiServerEnv(process.env, {
      DATABASE_URL: databaseUrl,
      MESHLIGHT_COLLECTOR_OTLP_HTTP: `${collectorScheme()}://127.0.0.1:${ready.otlpHttpPort}`,
    }),
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function waitForExit(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function main(): Promise<void> {
  // A bad MESHLIGHT_UI_TLS or MESHLIGHT_UI_* bound stops start-up before anything runs.
  uiTls(process.env);
  readUiServerLimits(process.env);
  generatePrismaClient();
  if (!dev) buildUi();
  const { child: collector, ready } = await startCollector();
  const ui = startUi(ready.databaseUrl, ready);
  const embedded = !process.env.DATABASE_URL;
  console.log(
    [
      '',
      `  Meshlight is running`,
      `    dashboard        ${uiTls(process.env) ? 'https' : 'http'}://localhost:${uiPort}`,
      `    OTLP/HTTP        ${collectorScheme()}://localhost:${ready.otlpHttpPort}   (OTEL_EXPORTER_OTLP_ENDPOINT=${collectorScheme()}://localhost:${ready.otlpHttpPort})`,
      `    OTLP/gRPC        localhost:${ready.otlpGrpcPort}`,
      `    Jaeger query API ${uiTls(process.env) ? 'https' : 'http'}://localhost:${uiPort}/api/traces`,
      `    database         ${embedded ? `embedded (PGlite under ${process.env.MESHLIGHT_DATA_DIR ?? './data'})` : 'DATABASE_URL'}`,
      '',
    ].join('\n'),
  );

  let shuttingDown = false;
  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // Each child leads its own process group (detached); signal the group so grandchildren
    // (next start's next-server) stop too.
    signalGroup(ui, 'SIGTERM');
    await waitForExit(ui);
    signalGroup(collector, 'SIGTERM');
    const collectorCode = await waitForExit(collector);
    process.exit(exitCode || collectorCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  ui.once('exit', (code) => {
    if (!shuttingDown) console.error(`meshlight: the UI server exited (${code}); stopping`);
    void shutdown(code ?? 1);
  });
  collector.once('exit', (code) => {
    if (shuttingDown) return;
    console.error(`meshlight: the collector exited (${code}); stopping`);
    void shutdown(code || 1);
  });
}

main().catch((error) => {
  console.error(`meshlight: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/** The receivers speak TLS when certificate files are configured (docs/security.md). */
function collectorScheme(): 'http' | 'https' {
  return process.env.MESHLIGHT_TLS_CERT_FILE ? 'https' : 'http';
}
