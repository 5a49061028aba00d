// The collector's one view of its database, whether a PostgreSQL server reached with `pg` or the
// embedded PGlite running in this process. Both speak the same SQL and the same COPY text format;
// only how COPY data is streamed differs (COPY FROM STDIN vs PGlite's /dev/blob).
import type { MigrationExecutor } from '../../lib/db/migrator';

/** Statements on one connection: a transaction's view of the database. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** `COPY <target> FROM STDIN` with `text` in PostgreSQL's text COPY format (a string, or its UTF-8 bytes). */
  copyFrom(target: string, text: string | Buffer): Promise<void>;
}

export interface SqlExecutor extends MigrationExecutor {
  /** `COPY <target> FROM STDIN` with `text` in PostgreSQL's text COPY format (a string, or its UTF-8 bytes). */
  copyFrom(target: string, text: string | Buffer): Promise<void>;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. A connection lost mid-way rolls back too (PostgreSQL's doing), so the work is all or
   * nothing; only a lost acknowledgement of the COMMIT itself leaves the outcome unknown, which is
   * what the ingest_batches marker is for (see SignalStore.write).
   */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** A human description for logs, never containing a password. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * SQLSTATE classes that mean "these rows are invalid": data exceptions (22), integrity violations
 * (23) and program limits such as an oversized value (54). Retrying the same rows cannot succeed.
 */
const DATA_REJECTED_SQLSTATE_CLASSES = new Set(['22', '23', '54']);

/**
 * True only when the database refused the data itself. Anything else (connection refused or
 * lost, database not accepting connections, a lock timeout, a server restart) is treated as the
 * database being unavailable: accepted rows are kept and retried, never dropped.
 */
export function isDataRejected(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && DATA_REJECTED_SQLSTATE_CLASSES.has(code.slice(0, 2));
}
