// State-changing API calls that matter for security (creating or revoking ingest tokens) are taken
// only from the UI's own pages or from non-browser clients: a browser sends `Origin` with a POST or
// DELETE, and a page of another site (which could otherwise POST a "simple" request to an open UI on
// 127.0.0.1) has an Origin whose host is not the Host it sent the request to.
import { ApiError } from '../contracts/api-error';

export function assertSameOrigin(request: Request): void {
  if (request.headers.get('sec-fetch-site') === 'cross-site') throw new ApiError(403, 'cross-site requests may not change this');
  const origin = request.headers.get('origin');
  if (origin === null) return;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    // `null` (sandboxed frames) and garbage
  }
  // Behind a reverse proxy the browser's Host arrives as X-Forwarded-Host.
  const hosts = [request.headers.get('host'), request.headers.get('x-forwarded-host')].map((h) => h?.trim().toLowerCase());
  if (!originHost || !hosts.includes(originHost)) throw new ApiError(403, `requests from pages of ${origin} may not change this`);
}
