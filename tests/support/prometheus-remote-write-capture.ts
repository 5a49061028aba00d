// Runs the real Prometheus (Debian's `prometheus` 2.42, when installed) against a tiny HTTP server
// of our own that is both its scrape target (serving `metricsText` on /metrics) and its
// remote_write endpoint (recording every body POSTed to /api/v1/write). Used to capture what a real
// sender puts on the wire. Resolves as soon as `accept` says a body is the one wanted; no sleeps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function prometheusInstalled(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface CaptureOptions {
  /** The exposition the scrape target serves; a function is called per scrape (0, 1, 2, …). */
  metricsText: string | ((scrape: number) => string);
  contentType?: string;
  /** Called with each raw (snappy-compressed) body; the capture resolves with the first accepted one. */
  accept: (body: Buffer) => boolean;
  /** Called with the headers of each scrape request Prometheus makes (e.g. to see its Accept). */
  onScrape?: (headers: IncomingMessage['headers']) => void;
  timeoutMs?: number;
}

export interface Capture {
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export async function capturePrometheusRemoteWrite(options: CaptureOptions): Promise<Capture> {
  let resolveCapture!: (capture: Capture) => void;
  const captured = new Promise<Capture>((resolve) => (resolveCapture = resolve));
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/metrics') {
        options.onScrape?.(req.headers);
        const text = typeof options.metricsText === 'string' ? options.metricsText : options.metricsText(scrapes);
        scrapes++;
        res.writeHead(200, { 'content-type': options.contentType ?? 'text/plain; version=0.0.4' }).end(text);
        return;
      }
      if (req.method === 'POST' && req.url === '/api/v1/write') {
        const body = Buffer.concat(chunks);
        res.writeHead(204).end();
        if (options.accept(body)) resolveCapture({ body, headers: req.headers });
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-prometheus-'));
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: fixture',
      `    static_configs: [{targets: ['127.0.0.1:${port}'], labels: {env: 'test'}}]`,
      'remote_write:',
      `  - url: http://127.0.0.1:${port}/api/v1/write`,
      '    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}',
      '    metadata_config: {send: true, send_interval: 1s}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${stderr}`))));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no accepted remote_write body within ${options.timeoutMs ?? 30000} ms: ${stderr}`)), options.timeoutMs ?? 30000);
  });
  try {
    return await Promise.race([captured, exited, timeout]);
  } finally {
    clearTimeout(timer);
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
