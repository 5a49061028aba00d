// SqlExecutor over a PostgreSQL server with a pg pool; COPY goes through pg-copy-streams.
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlExecutor } from './sql-executor';

// int8 columns come back as JS strings by default; our ids and nanoseconds need bigint.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgresql://${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgresql (unparseable DATABASE_URL)';
  }
}

export function createPgExecutor(connectionString: string, maxConnections: number): SqlExecutor {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'meshlight-collector',
  });
  // An idle client losing its connection must not crash the collector; the next query reports it.
  pool.on('error', () => {});

  return {
    description: describeDatabaseUrl(connectionString),
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await pool.query(sql, params);
      return result.rows as Row[];
    },
    async execInTransaction(sql: string) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN;\n${sql}\n;COMMIT;`);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async copyFrom(target: string, text: string) {
      const client = await pool.connect();
      let broken = false;
      try {
        await pipeline(Readable.from([text]), client.query(copyFromStdin(`COPY ${target} FROM STDIN`)));
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A failed COPY can leave the connection mid-protocol; do not hand it to the next writer.
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
