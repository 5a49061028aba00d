// Optional authentication of the UI and its API (all off unless configured, see
// lib/contracts/ui-security-env.ts): a session cookie after signing in as the configured user
// (scrypt password hash; the cookie is an HMAC-signed user and expiry), a header a trusted auth
// proxy sets, or a read-only API token (`Authorization: Bearer`, GET/HEAD on /api/* only, for
// Grafana and scripts). `decideAccess` is the one decision, pure apart from the clock passed in.
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { authRequired, type PasswordHash, type UiSecurity } from '../contracts/ui-security-env';

export const SESSION_COOKIE = 'meshlight_session';
export const SESSION_MS = 12 * 3600_000;
export const LOGIN_PATH = '/login';

/** Reachable without signing in: the login form and its handler, the health probe, build assets. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === LOGIN_PATH ||
    pathname === '/api/auth/login' ||
    pathname === '/api/auth/logout' ||
    pathname === '/api/health' ||
    pathname === '/icon.svg' ||
    pathname === '/favicon.ico' ||
    pathname.startsWith('/_next/static/')
  );
}

const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scryptKey(password: string, salt: Buffer, hash: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N: hash.N, r: hash.r, p: hash.p, maxmem: 256 * hash.N * hash.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$key` for MESHLIGHT_UI_PASSWORD_HASH. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const { N, r, p, keyLength } = SCRYPT_DEFAULTS;
  const key = await scryptKey(password, salt, { N, r, p }, keyLength);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const key = await scryptKey(password, hash.salt, hash, hash.key.length);
  return timingSafeEqual(key, hash.key);
}

/** Equal strings, in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The key that signs sessions: derived from the password hash, so a new password ends every session. */
export function sessionKey(login: NonNullable<UiSecurity['login']>): Buffer {
  return createHash('sha256').update(`meshlight-session\0${login.user}\0`).update(login.hash.key).update(login.hash.salt).digest();
}

function mac(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function signSession(user: string, expiresMs: number, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify({ u: user, e: expiresMs })).toString('base64url');
  return `${payload}.${mac(payload, key)}`;
}

/** The signed-in user, or null for a missing, forged or expired cookie. */
export function verifySession(value: string | undefined, key: Buffer, nowMs: number): string | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  if (!sameSecret(value.slice(dot + 1), mac(payload, key))) return null;
  try {
    const { u, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; e?: unknown };
    return typeof u === 'string' && typeof e === 'number' && e > nowMs ? u : null;
  } catch {
    return null;
  }
}

export function sessionCookie(value: string, options: { secure: boolean; maxAgeMs: number }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(options.maxAgeMs / 1000)}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}

/** A path to return to after signing in: only a path of this site, never `//other.host`. */
export function safeReturnPath(text: string | null | undefined): string {
  return text && text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/\\') ? text : '/';
}

/**
 * Failed sign-ins allowed per window across all clients (one configured user: guessing is the
 * threat, not a crowd of users); past it /api/auth/login answers 429 with Retry-After before
 * spending scrypt's CPU on the attempt. The clock is passed in.
 */
export class LoginThrottle {
  private failures: number[] = [];

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before another attempt, or 0 when one may be made now. */
  retryAfterSeconds(nowMs: number): number {
    this.failures = this.failures.filter((at) => at > nowMs - this.windowMs);
    if (this.failures.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((this.failures[0]! + this.windowMs - nowMs) / 1000));
  }

  failed(nowMs: number): void {
    this.failures.push(nowMs);
  }
}

export interface AccessRequest {
  method: string;
  pathname: string;
  /** Path and query, for returning after the login. */
  pathAndQuery: string;
  header(name: string): string | null;
  cookie(name: string): string | undefined;
}

export type Access =
  | { allow: true; user: string | null; via: 'open' | 'public' | 'session' | 'proxy' | 'token' }
  | { allow: false; status: 401 | 403; message: string; redirect?: string };

export function decideAccess(request: AccessRequest, security: UiSecurity, nowMs: number): Access {
  if (!authRequired(security)) return { allow: true, user: null, via: 'open' };
  if (isPublicPath(request.pathname)) return { allow: true, user: null, via: 'public' };

  if (security.login) {
    const user = verifySession(request.cookie(SESSION_COOKIE), sessionKey(security.login), nowMs);
    if (user !== null) return { allow: true, user, via: 'session' };
  }
  if (security.proxyHeader) {
    const user = request.header(security.proxyHeader)?.trim();
    if (user) return { allow: true, user, via: 'proxy' };
  }
  const api = request.pathname === '/api' || request.pathname.startsWith('/api/');
  const token = bearerToken(request.header('authorization'));
  if (token !== null && api && security.apiTokens.length > 0) {
    if (!security.apiTokens.some((known) => sameSecret(token, known))) return { allow: false, status: 401, message: 'invalid API token' };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { allow: false, status: 403, message: 'API tokens are read-only: only GET and HEAD' };
    }
    if (request.pathname === '/api/ingest-tokens' || request.pathname.startsWith('/api/ingest-tokens/')) {
      return { allow: false, status: 403, message: 'API tokens cannot read or manage ingest tokens: sign in' };
    }
    return { allow: true, user: null, via: 'token' };
  }
  if (!api && security.login) {
    return { allow: false, status: 401, message: 'sign in', redirect: `${LOGIN_PATH}?next=${encodeURIComponent(request.pathAndQuery)}` };
  }
  const ways = [
    security.login && 'a session (sign in at /login)',
    security.proxyHeader && 'the auth proxy',
    api && security.apiTokens.length > 0 && 'an API token (Authorization: Bearer)',
  ].filter(Boolean);
  return { allow: false, status: 401, message: `authentication required: ${ways.join(', ') || 'configure MESHLIGHT_UI_USER to sign in'}` };
}

/**
 * The collector's live WebSocket (`/live`): the same credentials as a GET of the API — the UI's
 * session cookie (sent to the collector's port too: cookies are per host, not per port), the auth
 * proxy's header, or a read-only API token.
 */
export function decideLiveAccess(request: Pick<AccessRequest, 'header' | 'cookie'>, security: UiSecurity, nowMs: number): Access {
  return decideAccess({ method: 'GET', pathname: '/api/live', pathAndQuery: '/api/live', ...request }, security, nowMs);
}
