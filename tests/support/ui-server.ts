// Runs the built UI (`next start`) on a free loopback port against a given database, for e2e tests
// and browser benchmarks; builds it first when the build is older than the sources.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { buildUi, ROOT } from '../../scripts/prepare';
import { uiServerArgs, uiServerEnv, uiTls } from '../../scripts/ui-process';

export interface UiServer {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startUiServer(databaseUrl: string, env: Record<string, string> = {}): Promise<UiServer> {
  buildUi();
  const port = await freePort();
  const childEnv = uiServerEnv(process.env, { DATABASE_URL: databaseUrl, MESHLIGHT_SELF_TRACE_RATIO: '0', ...env });
  const tls = uiTls(childEnv);
  const child: ChildProcess = spawn(process.execPath, uiServerArgs('start', port, '127.0.0.1', childEnv), {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`next start did not become ready:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/Ready|started server|Local:/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`next start exited ${code}:\n${output}`));
    });
  });
  // With TLS (MESHLIGHT_TLS_CERT_FILE in `env`) the server speaks HTTPS; the caller trusts its certificate.
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  // The first request compiles nothing (production build) but warms the server's modules. It
  // closes its connection, so no test starts with a warm-up keep-alive connection counted against
  // the UI's connection cap.
  if (!tls) await warmUp(port);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** One GET /api/health on a connection of its own, closed once answered (errors ignored). */
function warmUp(port: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.socket.once('close', () => resolve());
    });
    request.once('error', () => resolve());
  });
}
