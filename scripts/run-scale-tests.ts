// `npm run test:scale`: the scaling tests that start their own servers (a PostgreSQL primary and a
// pg_basebackup streaming replica; a PgBouncer in transaction pooling mode). Heavier than `npm test`
// and in need of root (PostgreSQL and PgBouncer run as the postgres user); CI runs both.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { generatePrismaClient, ROOT, TEST_RUNNER_FLAGS, WHOLE_RUN_LIMIT_MS } from './prepare';

const dir = path.join(ROOT, 'tests/scale');
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.scale-test.ts'))
  .map((name) => path.join('tests/scale', name))
  .filter((file) => process.argv.slice(2).every((fragment) => fragment.startsWith('--')) || process.argv.slice(2).some((fragment) => file.includes(fragment)))
  .sort();
generatePrismaClient();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...TEST_RUNNER_FLAGS, '--test-concurrency=1', ...files], {
  timeout: WHOLE_RUN_LIMIT_MS,
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
if (result.error) console.error(`meshlight: the scale tests were stopped: ${result.error.message}`);
process.exit(result.status ?? 1);
