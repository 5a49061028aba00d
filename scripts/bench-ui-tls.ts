// What TLS on the UI port costs: the same requests against scripts/ui-server.mjs over plain HTTP and
// with --tls (HTTPS, MESHLIGHT_TLS_CERT_FILE), one server at a time, alternating
// rounds, keep-alive clients (so the handshake is paid once, as a browser does). A scratch database
// with one synthetic trace of `spanCount` spans plus neighbours; prints p50/p95 per route and mode.
//   npx tsx scripts/bench-ui-tls.ts [spanCount] [iterations] [rounds]
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { createScratchDatabase } from '../tests/support/scratch-database';
import { migrateDatabase } from '../tests/support/migrate';
import { seedBenchTrace } from '../tests/support/insert-spans';
import { makeSelfSignedCert } from '../tests/support/self-signed-cert';
import { freePort } from '../tests/support/ui-server';
import { buildUi } from './prepare';
import { startUiChild } from './bench-support';

const spanCount = Number(process.argv[2] ?? 2000);
const iterations = Number(process.argv[3] ?? 40);
const rounds = Number(process.argv[4] ?? 2);

const { certFile, keyFile, ca } = makeSelfSignedCert('meshlight-bench-tls-');

function timedGet(url: string, agent: http.Agent): Promise<number> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    client
      .get(url, { agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
        response.on('data', () => {});
        response.on('end', () => resolve(performance.now() - started));
      })
      .on('error', reject);
  });
}

const database = await createScratchDatabase('meshlight_bench_ui_tls');
let child: ChildProcess | undefined;
try {
  buildUi();
  await migrateDatabase(database.url);
  const traceId = await seedBenchTrace(database.url, spanCount, 100);

  const routes = { trace: `/api/traces/${traceId}`, services: '/api/services' };
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['http', 'https'] as const) {
      const port = await freePort();
      const env: Record<string, string> = { DATABASE_URL: database.url, MESHLIGHT_SELF_TRACE_RATIO: '0' };
      if (mode === 'https') Object.assign(env, { MESHLIGHT_TLS_CERT_FILE: certFile, MESHLIGHT_TLS_KEY_FILE: keyFile });
      child = (await startUiChild(port, env)).child;
      const agent = mode === 'https' ? new https.Agent({ keepAlive: true, ca }) : new http.Agent({ keepAlive: true });
      for (const [name, route] of Object.entries(routes)) {
        const url = `${mode}://localhost:${port}${route}`;
        for (let i = 0; i < 5; i++) await timedGet(url, agent);
        const key = `${name} ${mode}`;
        samples[key] ??= [];
        for (let i = 0; i < iterations; i++) samples[key].push(await timedGet(url, agent));
      }
      agent.destroy();
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      child = undefined;
    }
  }
  const result: Record<string, { p50Ms: number; p95Ms: number }> = {};
  for (const [key, times] of Object.entries(samples)) {
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
    result[key] = { p50Ms: +pct(50).toFixed(1), p95Ms: +pct(95).toFixed(1) };
  }
  console.log(JSON.stringify({ spans: spanCount, iterations: iterations * rounds, load: os.loadavg().map((l) => +l.toFixed(1)), ...result }));
} finally {
  child?.kill('SIGTERM');
  await database.drop();
}
