// GET /api/health — {status:"ok"} once a trivial query round-trips; 503 when the database is
// unreachable, not configured, or slower than the timeout.
import { pingDatabase } from '@/lib/db/trace-queries';

export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 3000;

export async function GET(): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      pingDatabase(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return Response.json(
      { status: 'unavailable', error: `database: ${reason}` },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
    );
  } finally {
    clearTimeout(timer);
  }
}
