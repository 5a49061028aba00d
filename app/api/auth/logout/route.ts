// POST /api/auth/logout — clears the session cookie and returns to the login form.
import { LOGIN_PATH, sessionCookie } from '@/lib/http/ui-auth';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Response {
  const secure = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return new Response(null, {
    status: 303,
    headers: { location: LOGIN_PATH, 'set-cookie': sessionCookie('', { secure, maxAgeMs: 0 }), 'cache-control': 'no-store' },
  });
}
