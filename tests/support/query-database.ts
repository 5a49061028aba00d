// The setup the UI's query-side tests share: a scratch database on the real PostgreSQL, migrated,
// seeded with plain SQL (insert-spans.ts) and made the UI's DATABASE_URL for the test file; the
// pool is closed and the database dropped after.
import { after, before } from 'node:test';
import pg from 'pg';
import { disconnectDb } from '../../lib/db/prisma';
import { migrateDatabase } from './migrate';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/** Registers the file's before/after hooks; `url` is readable once `before` has run. */
export function useQueryDatabase(prefix: string, seed: (client: pg.Client) => Promise<void>): { readonly url: string } {
  let database: ScratchDatabase | undefined;
  before(async () => {
    database = await createScratchDatabase(prefix);
    await migrateDatabase(database.url);
    const client = new pg.Client(database.url);
    await client.connect();
    try {
      await seed(client);
    } finally {
      await client.end();
    }
    process.env.DATABASE_URL = database.url;
  });
  after(async () => {
    await disconnectDb();
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('the query database is made in before()');
      return database.url;
    },
  };
}
