// Each service's Prometheus registry: process metrics, plus the HTTP RED histogram every HTTP
// service records (rate and errors are the histogram's count by status code, duration its buckets).
import http from 'node:http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  httpServerDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Latency buckets from 5 ms to 5 s: the demo's normal calls and its incidents both land inside. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5];

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpServerDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return { registry, httpServerDuration };
}

/** Answers GET /metrics in Prometheus text format; false when the request is not for it. */
export async function serveMetricsRequest(registry: Registry, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return false;
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(body);
  return true;
}

/** A server for /metrics alone, for services whose own protocol is not HTTP. */
export function startMetricsServer(registry: Registry, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    serveMetricsRequest(registry, req, res).then(
      (served) => {
        if (!served) res.writeHead(404).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
