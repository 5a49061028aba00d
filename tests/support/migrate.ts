// Applies Meshlight's migrations to a scratch database with the real migrator, over the same
// single-connection executor the collector migrates with; or those before one migration, for a
// test of what that migration does to data written before it.
import { createPgExecutor } from '../../collector/store/pg-executor';
import { applyMigrations, readMigrations, type MigrationExecutor } from '../../lib/db/migrator';

export async function migrateDatabase(url: string): Promise<void> {
  const db = createPgExecutor(url, 1);
  try {
    await applyMigrations(db);
  } finally {
    await db.close();
  }
}

/** Applies the migrations before the one whose name starts with `migration` (its timestamp). */
export async function migrateUntil(db: MigrationExecutor, migration: string): Promise<void> {
  const all = await readMigrations();
  const at = all.findIndex((m) => m.name.startsWith(migration));
  if (at < 0) throw new Error(`no migration ${migration}`);
  await applyMigrations(db, all.slice(0, at));
}
