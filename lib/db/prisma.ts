// The UI server's database handles: one pg pool and one PrismaClient on top of it (through
// @prisma/adapter-pg) per process. Created on first use, so `next build` never needs a database,
// and cached on globalThis so Next's dev-mode module reloads do not open a pool on every edit.
//
// Queries go through Prisma. The exception is the bulk span read (loadTraceRows() and
// streamTraceRows()), which reads the same pool directly: for a 10,000-span trace Prisma's per-row
// result decoding costs more than the query itself, and Prisma cannot hand rows over as they arrive.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parseUiEnv } from '../contracts/env';
import { PrismaClient } from './generated/client';

export interface Db {
  prisma: PrismaClient;
  /** The pool under `prisma`, for array-mode bulk reads. */
  pool: pg.Pool;
}

const cache = globalThis as typeof globalThis & { meshlightDb?: Db };

export function createDb(databaseUrl: string): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, application_name: 'meshlight-ui' });
  // An idle connection dropping must not crash the server; the next query reports the problem.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return { prisma, pool };
}

export function getDb(): Db {
  cache.meshlightDb ??= createDb(parseUiEnv().DATABASE_URL);
  return cache.meshlightDb;
}

export function getPrisma(): PrismaClient {
  return getDb().prisma;
}

/** Closes the process's handles (tests, shutdown); the next getDb() opens new ones. */
export async function disconnectDb(): Promise<void> {
  const db = cache.meshlightDb;
  cache.meshlightDb = undefined;
  if (!db) return;
  await db.prisma.$disconnect();
  if (!db.pool.ended) await db.pool.end();
}
