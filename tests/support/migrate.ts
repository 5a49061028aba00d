// Applies Meshlight's migrations to a scratch database with the real migrator (lib/db/migrator.ts).
import pg from 'pg';
import { applyMigrations } from '../../lib/db/migrator';

export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await applyMigrations({
      async query<Row>(sql: string, params?: unknown[]) {
        return (await client.query(sql, params)).rows as Row[];
      },
      async execInTransaction(sql: string) {
        try {
          await client.query(`BEGIN;\n${sql}\n;COMMIT;`);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      },
    });
  } finally {
    await client.end();
  }
}
