// Calls another demo service over HTTP with JSON bodies, through `node:http` so the HTTP
// instrumentation makes the CLIENT span and injects traceparent and x-correlation-id.
import http from 'node:http';

// Kept-alive connections: a real service pools them, and it keeps the demo's CPU use low.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** A call that got no usable answer: refused, reset or timed out. */
export class UpstreamUnavailable extends Error {}

export function callJson(
  url: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new UpstreamUnavailable(error.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: hand back the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 5_000, () => req.destroy(new UpstreamUnavailable(`timed out after ${options.timeoutMs ?? 5_000} ms`)));
    req.on('error', (error) => reject(error instanceof UpstreamUnavailable ? error : new UpstreamUnavailable(error.message)));
    req.end(payload);
  });
}
