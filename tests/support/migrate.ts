// Applies Meshlight's migrations to a scratch database with the real migrator, over the same
// single-connection executor the collector migrates with.
import { createPgExecutor } from '../../collector/store/pg-executor';
import { applyMigrations } from '../../lib/db/migrator';

export async function migrateDatabase(url: string): Promise<void> {
  const db = createPgExecutor(url, 1);
  try {
    await applyMigrations(db);
  } finally {
    await db.close();
  }
}
