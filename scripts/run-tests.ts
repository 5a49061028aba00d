// `npm test`: every *.test.ts under lib/, collector/, components/, app/ and tests/, on Node's
// test runner. Integration tests need the PostgreSQL on 127.0.0.1:5432 (or TEST_DATABASE_URL);
// e2e tests need Debian's chromium. Pass paths or name fragments to run a subset. A full run (no
// filters) first type-checks (`tsc --noEmit`) and lints (`eslint .`, which holds the layout's
// boundaries) and fails if either does.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { generatePrismaClient, ROOT, TEST_RUNNER_FLAGS, WHOLE_RUN_LIMIT_MS } from './prepare';

const SEARCHED = ['lib', 'collector', 'components', 'app', 'tests', 'scripts'];

function findTests(dir: string, found: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, found);
    else if (/\.test\.tsx?$/.test(name)) found.push(path.relative(ROOT, full));
  }
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all: string[] = [];
for (const dir of SEARCHED) findTests(path.join(ROOT, dir), all);
const selected = filters.length ? all.filter((f) => filters.some((x) => f.includes(x))) : all;
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
generatePrismaClient();
if (filters.length === 0) {
  for (const [name, bin, args] of [
    ['type-check', 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', '.']],
    ['lint', 'node_modules/eslint/bin/eslint.js', ['.']],
  ] as const) {
    console.log(`meshlight: ${name}`);
    const check = spawnSync(process.execPath, [path.join(ROOT, bin), ...args], { cwd: ROOT, stdio: 'inherit' });
    if (check.status !== 0) {
      console.error(`meshlight: ${name} failed`);
      process.exit(check.status ?? 1);
    }
  }
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...TEST_RUNNER_FLAGS, '--test-concurrency=2', ...selected.sort()], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
  timeout: WHOLE_RUN_LIMIT_MS,
});
if (result.error) console.error(`meshlight: the test run was stopped: ${result.error.message}`);
process.exit(result.status ?? 1);
