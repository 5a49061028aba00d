// `/login`: sign in as the configured user (MESHLIGHT_UI_USER). A plain form posted to
// /api/auth/login, so it works before any script has loaded; `next` is where to go afterwards.
import type { Metadata } from 'next';
import { safeReturnPath } from '@/lib/http/ui-auth';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeReturnPath(typeof params.next === 'string' ? params.next : undefined);
  const failed = params.error === '1';
  return (
    <section className="login">
      <h1>Sign in to Meshlight</h1>
      <form method="post" action="/api/auth/login" className="search-form">
        <input type="hidden" name="next" value={next} />
        <label>
          <span>User</span>
          <input name="user" autoComplete="username" required autoFocus />
        </label>
        <label>
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="button-small">
          Sign in
        </button>
      </form>
      {failed ? <p className="form-error">Wrong user or password.</p> : null}
    </section>
  );
}
