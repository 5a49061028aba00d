// The UI server's database handles: one pg pool and one PrismaClient on top of it (through
// @prisma/adapter-pg) per process. Created on first use, so `next build` never needs a database,
// and cached on globalThis so Next's dev-mode module reloads do not open a pool on every edit.
//
// With DATABASE_READ_URL set (a streaming replica), getDb() reads from it and getWriteDb() writes
// to DATABASE_URL; without it both are the same handle. Migrations never run here (the collector
// applies them on DATABASE_URL).
//
// Queries go through Prisma. The exceptions read the same pool directly: the bulk span read
// (loadTraceRows() and streamTraceRows()), because for a 10,000-span trace Prisma's per-row result
// decoding costs more than the query itself and Prisma cannot hand rows over as they arrive; and
// the rest of a trace search (lib/db/trace-queries.ts), whose few small queries are on the /traces
// page's critical path, where Prisma's raw-query round trip cost about twice the pool's.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parseUiEnv } from '../contracts/env';
import { PrismaClient } from './generated/client';

export interface Db {
  prisma: PrismaClient;
  /** The pool under `prisma`, for array-mode bulk reads. */
  pool: pg.Pool;
}

const cache = globalThis as typeof globalThis & { meshlightDb?: Db; meshlightWriteDb?: Db };

export function createDb(databaseUrl: string, applicationName = 'meshlight-ui'): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, application_name: applicationName });
  // An idle connection dropping must not crash the server; the next query reports the problem.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return { prisma, pool };
}

/** The handle every query reads through: the replica when DATABASE_READ_URL is set. */
export function getDb(): Db {
  if (!cache.meshlightDb) {
    const env = parseUiEnv();
    cache.meshlightDb = env.DATABASE_READ_URL ? createDb(env.DATABASE_READ_URL, 'meshlight-ui-read') : getWriteDb();
  }
  return cache.meshlightDb;
}

/** The handle for writes (settings, CRUD): always DATABASE_URL, the primary. */
export function getWriteDb(): Db {
  cache.meshlightWriteDb ??= createDb(parseUiEnv().DATABASE_URL);
  return cache.meshlightWriteDb;
}

/** True when reads go to a replica (DATABASE_READ_URL is set). */
export function readsFromReplica(): boolean {
  return parseUiEnv().DATABASE_READ_URL !== undefined;
}

export function getPrisma(): PrismaClient {
  return getDb().prisma;
}

/** Closes the process's handles (tests, shutdown); the next getDb() opens new ones. */
export async function disconnectDb(): Promise<void> {
  const handles = new Set([cache.meshlightDb, cache.meshlightWriteDb]);
  cache.meshlightDb = undefined;
  cache.meshlightWriteDb = undefined;
  for (const db of handles) {
    if (!db) continue;
    await db.prisma.$disconnect();
    if (!db.pool.ended) await db.pool.end();
  }
}
