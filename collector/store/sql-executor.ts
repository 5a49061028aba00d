// The collector's one view of its database, whether a PostgreSQL server reached with `pg` or the
// embedded PGlite running in this process. Both speak the same SQL and the same COPY text format;
// only how COPY data is streamed differs (COPY FROM STDIN vs PGlite's /dev/blob).
import type { MigrationExecutor } from '../../lib/db/migrator';

export interface SqlExecutor extends MigrationExecutor {
  /** `COPY <target> FROM STDIN` with `text` in PostgreSQL's text COPY format. */
  copyFrom(target: string, text: string): Promise<void>;
  /** A human description for logs, never containing a password. */
  readonly description: string;
  close(): Promise<void>;
}

/** SQLSTATE classes that mean "the database is not reachable right now", so retrying helps. */
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '53', '57P', '58'];
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when an error says the database is down or overloaded (retry later), false when it says
 * the data was refused (retrying the same rows would fail again).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE_PREFIXES.some((p) => code.startsWith(p));
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Connection refused/i.test(
    message,
  );
}
