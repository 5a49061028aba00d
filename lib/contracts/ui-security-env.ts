// The UI server's access settings, validated with zod (a bad value stops start-up with a message
// naming it, see instrumentation.ts): which Host names it answers (DNS rebinding), and optional
// authentication — a configured user with a scrypt password hash (session cookie), a header set
// by a trusted auth proxy, read-only API tokens for /api/* (Grafana). All off by default.
import { z } from 'zod';
import { EnvError } from './env';

/** `scrypt$N$r$p$salt$key`, salt and key base64 (what `scripts/hash-password.ts` prints). */
export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

export interface UiSecurity {
  /** Lower-case host names (IPv6 in brackets) the UI answers; `any` when MESHLIGHT_ALLOWED_HOSTS=*. */
  allowedHosts: ReadonlySet<string> | 'any';
  /** Bound to every interface: an IP-address Host is accepted too (an address cannot be rebound). */
  anyIpHost: boolean;
  login: { user: string; hash: PasswordHash } | null;
  /** Lower-case header name a trusted reverse proxy sets to the signed-in user. */
  proxyHeader: string | null;
  /** Bearer tokens accepted on GET/HEAD /api/*. */
  apiTokens: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const schema = z
  .object({
    MESHLIGHT_ALLOWED_HOSTS: z.string().optional(),
    MESHLIGHT_BIND_HOST: z.string().optional(),
    MESHLIGHT_UI_USER: z.string().min(1).max(200).optional(),
    MESHLIGHT_UI_PASSWORD_HASH: z
      .string()
      .regex(PASSWORD_HASH_PATTERN, 'MESHLIGHT_UI_PASSWORD_HASH must be scrypt$N$r$p$salt$key (make one with `npx tsx scripts/hash-password.ts`)')
      .optional(),
    MESHLIGHT_AUTH_PROXY_HEADER: z.string().regex(HEADER_NAME, 'MESHLIGHT_AUTH_PROXY_HEADER must be an HTTP header name').optional(),
    MESHLIGHT_API_TOKENS: z.string().optional(),
  })
  .refine((env) => (env.MESHLIGHT_UI_USER === undefined) === (env.MESHLIGHT_UI_PASSWORD_HASH === undefined), {
    message: 'MESHLIGHT_UI_USER and MESHLIGHT_UI_PASSWORD_HASH are set together',
  });

/** `[::1]`, `::1` and `[::1]:3000` are `[::1]`; `Example.com:3000` is `example.com`. */
export function normalizeHostName(host: string): string {
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? text.slice(0, end + 1) : text;
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) return `[${text}]`; // a bare IPv6 address
  return colons === 1 ? text.slice(0, text.indexOf(':')) : text;
}

export function parsePasswordHash(text: string): PasswordHash {
  const match = PASSWORD_HASH_PATTERN.exec(text);
  if (!match) throw new EnvError('MESHLIGHT_UI_PASSWORD_HASH must be scrypt$N$r$p$salt$key');
  const [, N, r, p, salt, key] = match;
  const hash = { N: Number(N), r: Number(r), p: Number(p), salt: Buffer.from(salt!, 'base64'), key: Buffer.from(key!, 'base64') };
  // Bounded so a login cannot be made to cost seconds or gigabytes.
  const powerOfTwo = hash.N >= 1024 && hash.N <= 2 ** 20 && (hash.N & (hash.N - 1)) === 0;
  if (!powerOfTwo || hash.r < 1 || hash.r > 32 || hash.p < 1 || hash.p > 16 || hash.key.length < 16 || hash.salt.length < 8) {
    throw new EnvError('MESHLIGHT_UI_PASSWORD_HASH: scrypt parameters out of range (N a power of two in 1024..1048576, r 1..32, p 1..16)');
  }
  return hash;
}

export function parseUiSecurity(env: Record<string, string | undefined> = process.env): UiSecurity {
  const blank = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(blank);
  if (!result.success) throw new EnvError(result.error.issues.map((issue) => issue.message).join('; '));
  const parsed = result.data;

  const bind = parsed.MESHLIGHT_BIND_HOST?.trim() || '127.0.0.1';
  const listed = parsed.MESHLIGHT_ALLOWED_HOSTS?.split(',').map((host) => host.trim()).filter(Boolean);
  let allowedHosts: UiSecurity['allowedHosts'];
  if (listed?.includes('*')) allowedHosts = 'any';
  else {
    const names = listed ?? LOOPBACK_NAMES;
    allowedHosts = new Set([...names, ...(ALL_INTERFACES.has(bind) ? [] : [bind])].map(normalizeHostName));
  }

  const apiTokens = (parsed.MESHLIGHT_API_TOKENS ?? '').split(',').map((token) => token.trim()).filter(Boolean);
  const short = apiTokens.find((token) => token.length < 16);
  if (short !== undefined) throw new EnvError('MESHLIGHT_API_TOKENS: each token must be at least 16 characters');

  return {
    allowedHosts,
    anyIpHost: listed === undefined && ALL_INTERFACES.has(bind),
    login:
      parsed.MESHLIGHT_UI_USER && parsed.MESHLIGHT_UI_PASSWORD_HASH
        ? { user: parsed.MESHLIGHT_UI_USER, hash: parsePasswordHash(parsed.MESHLIGHT_UI_PASSWORD_HASH) }
        : null,
    proxyHeader: parsed.MESHLIGHT_AUTH_PROXY_HEADER?.toLowerCase() ?? null,
    apiTokens,
  };
}

const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The warning to print when the UI listens beyond loopback with no authentication, else null. */
export function openBindWarning(env: Record<string, string | undefined>, security: UiSecurity): string | null {
  const bind = env.MESHLIGHT_BIND_HOST?.trim() || '127.0.0.1';
  if (LOOPBACK_BINDS.has(bind.toLowerCase()) || authRequired(security)) return null;
  return [
    `WARNING: the UI listens on ${bind} with no authentication: anyone who can reach it reads every trace.`,
    'Set MESHLIGHT_UI_USER and MESHLIGHT_UI_PASSWORD_HASH (or MESHLIGHT_AUTH_PROXY_HEADER behind a proxy).',
  ].join('\n');
}

/** Whether any authentication is configured (then every page and API call needs it). */
export function authRequired(security: UiSecurity): boolean {
  return security.login !== null || security.proxyHeader !== null || security.apiTokens.length > 0;
}
