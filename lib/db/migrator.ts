// Applies prisma/migrations/<name>/migration.sql in name order at start-up, because Prisma's
// migrate engine (a native binary) cannot be downloaded here. It records each migration in
// `_prisma_migrations` with the same columns and sha256 checksum that `prisma migrate deploy`
// writes, so a deployment that does use Prisma's engine later sees them as applied.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The minimum a migrator needs from a database connection (pg or PGlite both fit). */
export interface MigrationExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs several statements in one transaction (a migration file). */
  execInTransaction(sql: string): Promise<void>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

// Prisma's own advisory lock key, so our migrator and `prisma migrate` never run at once (a
// transaction-level and a session-level lock on the same key exclude each other).
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const DEFAULT_MIGRATIONS_DIR = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../prisma/migrations',
);

export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Raised inside a migration's transaction when another process applied it first. */
const ALREADY_APPLIED_SQLSTATE = 'MLAP1';

/**
 * Applies what is not applied yet, each migration in its own transaction that first takes Prisma's
 * advisory lock as a transaction-level lock (pg_advisory_xact_lock) and re-checks, under the lock,
 * that nobody applied it meanwhile. So collector replicas starting together apply each migration
 * once, and it works through PgBouncer in transaction pooling mode, where a session-level lock and
 * its unlock could land on different server connections.
 */
export async function applyMigrations(
  db: MigrationExecutor,
  migrations: Migration[] | string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const list = typeof migrations === 'string' ? await readMigrations(migrations) : migrations;
  const lock = `SELECT pg_advisory_xact_lock(${PRISMA_MIGRATE_LOCK});`;
  await db.execInTransaction(`${lock}\n${CREATE_MIGRATIONS_TABLE}`);
  const done = await db.query<{ migration_name: string; checksum: string }>(
    'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const doneByName = new Map(done.map((row) => [row.migration_name, row.checksum]));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of list) {
    const recorded = doneByName.get(migration.name);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new Error(
          `migration ${migration.name} was modified after it was applied (checksum differs); add a new migration instead`,
        );
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    const name = migration.name.replace(/'/g, "''");
    const guard = `DO $meshlight_migrate$ BEGIN
      IF EXISTS (SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '${name}' AND finished_at IS NOT NULL AND rolled_back_at IS NULL) THEN
        RAISE EXCEPTION 'migration already applied' USING ERRCODE = '${ALREADY_APPLIED_SQLSTATE}';
      END IF;
    END $meshlight_migrate$;`;
    const record = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
      VALUES ('${randomUUID()}', '${migration.checksum}', '${name}', now(), now(), 1);`;
    try {
      await db.execInTransaction(`${lock}\n${guard}\n${migration.sql}\n;\n${record}`);
      result.applied.push(migration.name);
    } catch (error) {
      if ((error as { code?: unknown }).code !== ALREADY_APPLIED_SQLSTATE) throw error;
      result.alreadyApplied.push(migration.name);
    }
  }
  return result;
}
