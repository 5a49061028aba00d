// GET /api/health — {status:"ok"} once a trivial query round-trips; 503 with a short reason when
// the database is unreachable, not configured, or slower than the timeout.
import { EnvError } from '@/lib/contracts/env';
import { pingDatabase } from '@/lib/db/trace-queries';
import { isDatabaseUnavailable, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 3000;

class Timeout extends Error {}

function reasonOf(error: unknown): string {
  if (error instanceof EnvError) return error.message;
  if (error instanceof Timeout) return `database did not answer within ${TIMEOUT_MS} ms`;
  if (isDatabaseUnavailable(error)) return 'database unreachable';
  return 'database query failed';
}

export async function GET(): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      pingDatabase(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), TIMEOUT_MS);
      }),
    ]);
    return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return Response.json(
      { status: 'unavailable', error: reasonOf(error) },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
    );
  } finally {
    clearTimeout(timer);
  }
}

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
