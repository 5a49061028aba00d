// The UI server's access rules as pure functions: the settings (zod), the Host check, the CSP and
// hardening headers, sessions, tokens, and who may reach what (decideAccess).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvError } from '../contracts/env';
import { normalizeHostName, openBindWarning, parseUiSecurity, type UiSecurity } from '../contracts/ui-security-env';
import { hostAllowed } from './host-check';
import { API_CSP, HARDENING_HEADERS, liveConnectSources, newNonce, pageCsp } from './security-headers';
import {
  LoginThrottle,
  SESSION_COOKIE,
  bearerToken,
  decideAccess,
  hashPassword,
  safeReturnPath,
  sessionCookie,
  sessionKey,
  signSession,
  verifyPassword,
  verifySession,
  type AccessRequest,
} from './ui-auth';

const TOKEN = 'grafana-read-only-0123456789';
const NOW = 1_732_147_200_000;

test('settings: off by default, names normalized, bad values named', async () => {
  const open = parseUiSecurity({});
  assert.deepEqual([...(open.allowedHosts as Set<string>)].sort(), ['127.0.0.1', '[::1]', 'localhost']);
  assert.equal(open.login, null);
  assert.equal(open.proxyHeader, null);
  assert.deepEqual(open.apiTokens, []);
  assert.equal(parseUiSecurity({ MESHLIGHT_ALLOWED_HOSTS: '*' }).allowedHosts, 'any');
  const named = parseUiSecurity({ MESHLIGHT_ALLOWED_HOSTS: 'Meshlight.example.com, 10.0.0.5:3000', MESHLIGHT_BIND_HOST: '10.0.0.5' });
  assert.deepEqual([...(named.allowedHosts as Set<string>)].sort(), ['10.0.0.5', 'meshlight.example.com']);
  assert.equal(parseUiSecurity({ MESHLIGHT_BIND_HOST: 'box.lan' }).allowedHosts instanceof Set, true);
  assert.ok((parseUiSecurity({ MESHLIGHT_BIND_HOST: 'box.lan' }).allowedHosts as Set<string>).has('box.lan'));
  assert.equal(parseUiSecurity({ MESHLIGHT_BIND_HOST: '0.0.0.0' }).anyIpHost, true);
  assert.equal(normalizeHostName('[::1]:3000'), '[::1]');
  assert.equal(normalizeHostName('::1'), '[::1]');

  const bad: [Record<string, string>, RegExp][] = [
    [{ MESHLIGHT_UI_USER: 'admin' }, /set together/],
    [{ MESHLIGHT_UI_USER: 'admin', MESHLIGHT_UI_PASSWORD_HASH: 'hunter2' }, /MESHLIGHT_UI_PASSWORD_HASH must be scrypt/],
    [{ MESHLIGHT_UI_USER: 'a', MESHLIGHT_UI_PASSWORD_HASH: 'scrypt$3$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5' }, /out of range/],
    [{ MESHLIGHT_API_TOKENS: 'short' }, /at least 16 characters/],
    [{ MESHLIGHT_AUTH_PROXY_HEADER: 'X User' }, /must be an HTTP header name/],
  ];
  for (const [env, message] of bad) assert.throws(() => parseUiSecurity(env), (e: unknown) => e instanceof EnvError && message.test(e.message), JSON.stringify(env));
  const hash = await hashPassword('s3cret');
  assert.equal(parseUiSecurity({ MESHLIGHT_UI_USER: 'admin', MESHLIGHT_UI_PASSWORD_HASH: hash }).login?.user, 'admin');
});

test('Host: configured names and loopback only; an IP address too when listening everywhere', () => {
  const local = parseUiSecurity({});
  for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST']) assert.equal(hostAllowed(host, local), true, host);
  for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '10.0.0.5:3000', '', null]) {
    assert.equal(hostAllowed(host, local), false, String(host));
  }
  const everywhere = parseUiSecurity({ MESHLIGHT_BIND_HOST: '0.0.0.0' });
  assert.equal(hostAllowed('10.0.0.5:3000', everywhere), true);
  assert.equal(hostAllowed('[fd00::5]:3000', everywhere), true);
  assert.equal(hostAllowed('rebound.example:3000', everywhere), false);
  const named = parseUiSecurity({ MESHLIGHT_BIND_HOST: '0.0.0.0', MESHLIGHT_ALLOWED_HOSTS: 'meshlight.example.com' });
  assert.equal(hostAllowed('meshlight.example.com', named), true);
  assert.equal(hostAllowed('10.0.0.5', named), false, 'names configured: exactly those');
  assert.equal(hostAllowed('anything', parseUiSecurity({ MESHLIGHT_ALLOWED_HOSTS: '*' })), true);
});

test('CSP: a nonce for scripts, the live WebSocket in connect-src, no framing; API responses load nothing', () => {
  const nonce = newNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(nonce, newNonce());
  const csp = pageCsp({ nonce, connectSources: liveConnectSources({ port: 4318 }, 'localhost'), dev: false, https: false });
  assert.match(csp, new RegExp(`script-src 'self' 'nonce-${nonce.replace(/[+/]/g, '\\$&')}' 'strict-dynamic';`));
  assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline|upgrade-insecure-requests/);
  assert.match(csp, /connect-src 'self' ws:\/\/localhost:4318 wss:\/\/localhost:4318;/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /object-src 'none'/);
  assert.match(pageCsp({ nonce, connectSources: [], dev: true, https: true }), /'unsafe-eval'.*upgrade-insecure-requests/);
  assert.deepEqual(liveConnectSources({ url: 'wss://meshlight.example.com/live' }, 'ignored'), ['wss://meshlight.example.com']);
  assert.deepEqual(liveConnectSources({ port: 4318, host: 'collector.lan' }, 'localhost'), ['ws://collector.lan:4318', 'wss://collector.lan:4318']);
  assert.deepEqual(liveConnectSources({ port: 4318 }, '[::1]'), ['ws://[::1]:4318', 'wss://[::1]:4318']);
  assert.match(API_CSP, /default-src 'none'.*frame-ancestors 'none'/);
  assert.deepEqual(HARDENING_HEADERS, { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' });
});

test('passwords: scrypt, salted; sessions: signed, expiring, bound to the password', async () => {
  const hash = await hashPassword('correct horse');
  assert.match(hash, /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(hash, await hashPassword('correct horse'), 'salted');
  const security = parseUiSecurity({ MESHLIGHT_UI_USER: 'admin', MESHLIGHT_UI_PASSWORD_HASH: hash });
  assert.equal(await verifyPassword('correct horse', security.login!.hash), true);
  assert.equal(await verifyPassword('correct horse ', security.login!.hash), false);

  const key = sessionKey(security.login!);
  const cookie = signSession('admin', NOW + 1000, key);
  assert.equal(verifySession(cookie, key, NOW), 'admin');
  assert.equal(verifySession(cookie, key, NOW + 1000), null, 'expired');
  assert.equal(verifySession(`${cookie.split('.')[0]}.AAAA`, key, NOW), null, 'forged signature');
  const [payload, mac] = cookie.split('.');
  const tampered = Buffer.from(JSON.stringify({ u: 'admin', e: NOW + 10_000_000 })).toString('base64url');
  assert.notEqual(tampered, payload);
  assert.equal(verifySession(`${tampered}.${mac}`, key, NOW), null, 'extended expiry');
  const other = parseUiSecurity({ MESHLIGHT_UI_USER: 'admin', MESHLIGHT_UI_PASSWORD_HASH: await hashPassword('new password') });
  assert.equal(verifySession(cookie, sessionKey(other.login!), NOW), null, 'a new password ends old sessions');
  assert.equal(verifySession(undefined, key, NOW), null);
  assert.equal(verifySession('garbage', key, NOW), null);
  assert.equal(sessionCookie('v', { secure: true, maxAgeMs: 3_600_000 }), `${SESSION_COOKIE}=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure`);
});

test('small parsers: bearer tokens and return paths', () => {
  assert.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN);
  assert.equal(bearerToken(`bearer ${TOKEN}`), TOKEN);
  assert.equal(bearerToken(`Basic ${TOKEN}`), null);
  assert.equal(bearerToken(null), null);
  assert.equal(safeReturnPath('/traces?service=a'), '/traces?service=a');
  for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '', undefined]) {
    assert.equal(safeReturnPath(evil), '/', String(evil));
  }
});

function request(pathname: string, options: { method?: string; headers?: Record<string, string>; cookie?: string } = {}): AccessRequest {
  const headers = new Map(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: options.method ?? 'GET',
    pathname,
    pathAndQuery: pathname,
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    cookie: (name) => (name === SESSION_COOKIE ? options.cookie : undefined),
  };
}

test('access: open by default; with auth, pages redirect to /login, the API answers 401', async () => {
  assert.deepEqual(decideAccess(request('/traces'), parseUiSecurity({}), NOW), { allow: true, user: null, via: 'open' });

  const security: UiSecurity = parseUiSecurity({
    MESHLIGHT_UI_USER: 'admin',
    MESHLIGHT_UI_PASSWORD_HASH: await hashPassword('pw'),
    MESHLIGHT_AUTH_PROXY_HEADER: 'X-Forwarded-User',
    MESHLIGHT_API_TOKENS: `${TOKEN}, another-token-abcdefgh`,
  });
  const cookie = signSession('admin', NOW + 60_000, sessionKey(security.login!));
  const cases: [string, AccessRequest, Partial<ReturnType<typeof decideAccess>>][] = [
    ['page, nobody', request('/traces'), { allow: false, status: 401, redirect: '/login?next=%2Ftraces' }],
    ['api, nobody', request('/api/services'), { allow: false, status: 401 }],
    ['login form', request('/login'), { allow: true, via: 'public' }],
    ['health probe', request('/api/health'), { allow: true, via: 'public' }],
    ['static asset', request('/_next/static/chunks/x.js'), { allow: true, via: 'public' }],
    ['page, session', request('/traces', { cookie }), { allow: true, via: 'session', user: 'admin' }],
    ['api, session', request('/api/ui/traces/upload', { method: 'POST', cookie }), { allow: true, via: 'session' }],
    ['page, proxy header', request('/traces', { headers: { 'X-Forwarded-User': 'alice' } }), { allow: true, via: 'proxy', user: 'alice' }],
    ['page, empty proxy header', request('/traces', { headers: { 'X-Forwarded-User': ' ' } }), { allow: false }],
    ['api, token', request('/api/traces', { headers: { authorization: `Bearer ${TOKEN}` } }), { allow: true, via: 'token' }],
    ['api, second token', request('/api/traces', { headers: { authorization: 'Bearer another-token-abcdefgh' } }), { allow: true, via: 'token' }],
    ['api, wrong token', request('/api/traces', { headers: { authorization: 'Bearer not-a-known-token-0000' } }), { allow: false, status: 401 }],
    ['api, token writes', request('/api/ui/traces/upload', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }), { allow: false, status: 403 }],
    ['page, token', request('/traces', { headers: { authorization: `Bearer ${TOKEN}` } }), { allow: false, status: 401 }],
    ['ingest tokens, API token', request('/api/ingest-tokens', { headers: { authorization: `Bearer ${TOKEN}` } }), { allow: false, status: 403 }],
    ['ingest tokens, session', request('/api/ingest-tokens/abc', { method: 'DELETE', cookie }), { allow: true, via: 'session' }],
    ['expired session', request('/traces', { cookie: signSession('admin', NOW - 1, sessionKey(security.login!)) }), { allow: false, status: 401 }],
  ];
  for (const [label, req, expected] of cases) {
    const access = decideAccess(req, security, NOW);
    for (const [key, value] of Object.entries(expected)) assert.equal((access as Record<string, unknown>)[key], value, `${label}: ${key}`);
  }
  // Tokens alone lock the API to token holders and pages to nobody, with a message saying why.
  const tokensOnly = parseUiSecurity({ MESHLIGHT_API_TOKENS: TOKEN });
  const page = decideAccess(request('/traces'), tokensOnly, NOW);
  assert.equal(page.allow, false);
  assert.match((page as { message: string }).message, /configure MESHLIGHT_UI_USER/);
});

test('failed sign-ins are throttled per minute; a loud warning when listening beyond loopback unguarded', () => {
  const throttle = new LoginThrottle(3, 60_000);
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfterSeconds(NOW + i), 0);
    throttle.failed(NOW + i);
  }
  assert.equal(throttle.retryAfterSeconds(NOW + 10_000), 50);
  assert.equal(throttle.retryAfterSeconds(NOW + 59_999), 1);
  assert.equal(throttle.retryAfterSeconds(NOW + 60_000), 0, 'the first failure has left the window');

  assert.equal(openBindWarning({}, parseUiSecurity({})), null);
  assert.equal(openBindWarning({ MESHLIGHT_BIND_HOST: '::1' }, parseUiSecurity({})), null);
  const env = { MESHLIGHT_BIND_HOST: '0.0.0.0' };
  assert.match(openBindWarning(env, parseUiSecurity(env)) ?? '', /WARNING: the UI listens on 0\.0\.0\.0 with no authentication/);
  const guarded = { ...env, MESHLIGHT_AUTH_PROXY_HEADER: 'X-Forwarded-User' };
  assert.equal(openBindWarning(guarded, parseUiSecurity(guarded)), null);
});
