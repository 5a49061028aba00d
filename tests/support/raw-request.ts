// One HTTP(S) request with any headers (fetch will not send a foreign Host or Origin), not following
// redirects, for the tests of the UI's hardening: status, headers and body as text. Over https://,
// `ca` is the certificate to trust (servername localhost).
import http from 'node:http';
import https from 'node:https';

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: http.IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    };
    const base = { method: options.method ?? 'GET', headers: options.headers };
    const request = url.startsWith('https:') ? https.request(url, { ...base, ca: options.ca, servername: 'localhost' }, onResponse) : http.request(url, base, onResponse);
    request.on('error', reject);
    request.end(options.body);
  });
}
