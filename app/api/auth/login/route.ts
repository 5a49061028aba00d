// POST /api/auth/login (form: user, password, next) — checks the configured user's scrypt hash and
// sets the session cookie, then 303 to `next` (a path of this site); a wrong pair goes back to the
// form; too many wrong pairs in a minute → 429 with Retry-After. 404 when no login is configured.
import { z } from 'zod';
import { parseUiSecurity } from '@/lib/contracts/ui-security-env';
import { LOGIN_PATH, LoginThrottle, SESSION_MS, safeReturnPath, sameSecret, sessionCookie, sessionKey, signSession, verifyPassword } from '@/lib/http/ui-auth';

export const dynamic = 'force-dynamic';

const formSchema = z.object({
  user: z.string().max(200),
  password: z.string().max(1024),
  next: z.string().max(4096).optional(),
});

const throttle = new LoginThrottle();

function seeOther(location: string, cookie?: string): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  if (cookie) headers.set('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

export async function POST(request: Request): Promise<Response> {
  const { login } = parseUiSecurity(process.env);
  if (!login) return Response.json({ error: 'no login is configured (MESHLIGHT_UI_USER)' }, { status: 404 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.json({ error: 'expected a form with user and password' }, { status: 400 });
  }
  const parsed = formSchema.safeParse(Object.fromEntries([...form].filter(([, value]) => typeof value === 'string')));
  if (!parsed.success) return Response.json({ error: 'expected a form with user and password' }, { status: 400 });
  const next = safeReturnPath(parsed.data.next);
  const wait = throttle.retryAfterSeconds(Date.now());
  if (wait > 0) {
    return Response.json({ error: 'too many failed sign-ins; try again later' }, { status: 429, headers: { 'retry-after': String(wait) } });
  }
  // Both checks always run, so the answer takes as long for a wrong user as for a wrong password.
  const passwordOk = await verifyPassword(parsed.data.password, login.hash);
  if (!(sameSecret(parsed.data.user, login.user) && passwordOk)) {
    throttle.failed(Date.now());
    return seeOther(`${LOGIN_PATH}?error=1&next=${encodeURIComponent(next)}`);
  }
  const secure = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const value = signSession(login.user, Date.now() + SESSION_MS, sessionKey(login));
  return seeOther(next, sessionCookie(value, { secure, maxAgeMs: SESSION_MS }));
}
