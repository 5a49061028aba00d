// The embedded default database: PGlite (PostgreSQL compiled to WASM) running inside the collector
// process, with its data under MESHLIGHT_DATA_DIR. PGlite is one process's database, so the
// collector owns it and serves it to the UI server over the PostgreSQL wire protocol on loopback
// (pglite-socket); the UI then uses exactly the same pg/Prisma code as with a real server.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SqlExecutor } from './sql-executor';

export interface EmbeddedDatabase {
  executor: SqlExecutor;
  /** A postgresql:// URL other processes (the UI server) can connect to. */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  host: string;
  /** 0 lets the OS pick a free port. */
  port: number;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({
    db,
    host: options.host,
    port: options.port,
    // The UI server's pool; pglite-socket multiplexes them onto the single PGlite session.
    maxConnections: 16,
  } as ConstructorParameters<typeof PGLiteSocketServer>[0]);
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } | string | null } }).server?.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const executor: SqlExecutor = {
    description: `embedded PGlite at ${dir}`,
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await db.query<Row>(sql, params);
      return result.rows;
    },
    async execInTransaction(sql: string) {
      await db.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    async copyFrom(target: string, text: string | Buffer) {
      await db.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([text as BlobPart]) });
    },
    async transaction(work) {
      return db.transaction((tx) =>
        work({
          async query<Row>(sql: string, params?: unknown[]) {
            return (await tx.query<Row>(sql, params)).rows;
          },
          async copyFrom(target: string, text: string | Buffer) {
            await tx.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([text as BlobPart]) });
          },
        }),
      );
    },
    async close() {},
  };

  return {
    executor,
    url: `postgresql://postgres@${options.host}:${port}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
