// Collector replicas starting together run the migrator at the same moment, each on its own
// connection: every migration is applied exactly once (pg_advisory_xact_lock in each migration's
// transaction, re-checked under the lock), and the losers report it as already applied.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { applyMigrations, readMigrations } from '../../lib/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

let database: ScratchDatabase | undefined;
after(() => database?.drop());

test('four migrators at once apply each migration once', async () => {
  database = await createScratchDatabase('meshlight_migrate_race');
  const executors = [0, 1, 2, 3].map(() => createPgExecutor(database!.url, 1));
  try {
    const results = await Promise.all(executors.map((db) => applyMigrations(db)));
    const names = (await readMigrations()).map((m) => m.name);
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, names, 'each migration applied by exactly one migrator');
    for (const r of results) assert.deepEqual([...r.applied, ...r.alreadyApplied].sort(), names);
    const rows = await executors[0]!.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    assert.equal(Number(rows[0]!.n), names.length);
    const again = await applyMigrations(executors[0]!);
    assert.deepEqual(again.applied, []);
  } finally {
    await Promise.all(executors.map((db) => db.close()));
  }
});
