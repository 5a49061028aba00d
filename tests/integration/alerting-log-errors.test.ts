// The built-in "new error type in logs" rule's source on the real PostgreSQL: error records grouped
// by exception.type or by their body with numbers folded; only types absent from the baseline hour
// are new, and a service with no earlier logs is not flooded with "new" errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pgLogErrorSource } from '../../lib/db/alerting-sources';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { applyMigrations } from '../../lib/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

let database: ScratchDatabase;
let db: SqlExecutor;
const NOW = Date.now();
const MIN = 60_000;

before(async () => {
  database = await createScratchDatabase();
  db = createPgExecutor(database.url, 1);
  await applyMigrations(db);
  const rows: Array<[string, number, number, string, string | null]> = [
    ['orders', 62, 9, 'started', null],
    ['orders', 40, 17, 'timeout after 5000 ms talking to db-7', null],
    ['orders', 2, 17, 'timeout after 3000 ms talking to db-2', null],
    ['orders', 1, 17, 'card declined for order 991', null],
    ['orders', 1, 17, 'boom', 'NullPointerException'],
    ['fresh', 1, 17, 'first ever error', null],
  ];
  for (const [service, minutesAgo, severity, body, exceptionType] of rows) {
    await db.query(
      `INSERT INTO logs (time_ns, observed_ns, service_name, severity_number, body, resource_id, scope_id, attributes)
       VALUES ($1::bigint, $1::bigint, $2, $3, $4, 0, 0, $5::jsonb)`,
      [(BigInt(NOW - minutesAgo * MIN) * 1_000_000n).toString(), service, severity, body, JSON.stringify(exceptionType ? { 'exception.type': exceptionType } : {})],
    );
  }
});

after(async () => {
  await db.close();
  await database.drop();
});

test('new error types: the ones not logged in the hour before, by exception type or folded body', async () => {
  const found = await pgLogErrorSource((sql, params) => db.query(sql, params)).newErrorTypes(NOW - 65 * MIN, NOW - 5 * MIN, NOW);
  assert.deepEqual(found.map((f) => [f.service, f.errorType]).sort(), [
    ['orders', 'NullPointerException'],
    ['orders', 'card declined for order #'],
  ]);
});
