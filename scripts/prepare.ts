// Build steps shared by `npm start`, `npm test` and `npm run build`, each skipped when its output
// is newer than its inputs: the Prisma client (generated offline: PRISMA_SCHEMA_ENGINE_BINARY
// points at a stub so `prisma generate` does not try to download a native engine it does not
// need) and the Next.js production build.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/**
 * Node test runner flags for `npm test` and `npm run test:scale`: results per file on stdout, and on
 * stderr which files are still running each minute (so a hang names its file); a test that runs
 * (or a file) past ten minutes fails instead of holding the run, and a file whose tests are done exits even if
 * a handle (a socket, a timer, a child process) was left open.
 */
export const TEST_RUNNER_FLAGS = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${path.join(ROOT, 'scripts/test-progress-reporter.mjs')}`,
  '--test-reporter-destination=stderr',
  '--test-timeout=600000',
  '--test-force-exit',
];

/** A whole run that takes longer than this is stopped and fails (CI allows 90 minutes in all). */
export const WHOLE_RUN_LIMIT_MS = 55 * 60_000;

function newestMtime(entries: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && name !== 'generated') visit(path.join(p, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of entries) visit(path.join(ROOT, entry));
  return newest;
}

function mtimeOf(file: string): number {
  const full = path.join(ROOT, file);
  return existsSync(full) ? statSync(full).mtimeMs : 0;
}

function run(command: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

function stubEngine(): string {
  const dir = path.join(os.tmpdir(), 'meshlight-prisma');
  mkdirSync(dir, { recursive: true });
  const stub = path.join(dir, 'schema-engine-stub');
  if (!existsSync(stub)) {
    writeFileSync(stub, '#!/bin/sh\necho "meshlight: Prisma schema engine not available offline" >&2\nexit 1\n');
    chmodSync(stub, 0o755);
  }
  return stub;
}

export function generatePrismaClient(force = false): void {
  const output = 'lib/db/generated/client.ts';
  if (!force && mtimeOf(output) > mtimeOf('prisma/schema.prisma')) return;
  console.log('meshlight: generating the Prisma client');
  run(process.execPath, [path.join(ROOT, 'node_modules/prisma/build/index.js'), 'generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stubEngine(),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
}

const UI_SOURCES = ['app', 'components', 'lib', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.js', 'package-lock.json', 'tsconfig.json'];

const BUILD_LOCK = path.join(ROOT, '.next-build.lock');

/** Synchronous sleep (buildUi is synchronous and may wait for another process's build). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function buildUi(force = false): void {
  if (!force && mtimeOf('.next/BUILD_ID') > newestMtime(UI_SOURCES)) return;
  // Test files run in parallel and several start the UI: one builds, the others wait for it
  // (two `next build`s in one .next directory break each other). A lock older than 10 minutes is
  // left over from a killed build.
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > 600_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      sleepSync(500);
    }
  }
  try {
    if (!force && mtimeOf('.next/BUILD_ID') > newestMtime(UI_SOURCES)) return;
    console.log('meshlight: building the UI (next build); this takes a minute the first time');
    run(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { NEXT_TELEMETRY_DISABLED: '1' });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const force = process.argv.includes('--force');
  generatePrismaClient(force);
  if (!process.argv.includes('--prisma-only')) buildUi(force);
}
