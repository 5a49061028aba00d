// SqlExecutor over a PostgreSQL server with a pg pool; COPY goes through pg-copy-streams.
//
// A lost connection must be an outage, never a crash: pg emits 'error' on a client whose socket
// dies (also while it is checked out and busy), and pg-copy-streams can emit 'error' (write EPIPE)
// after the pipeline that drove it has settled. An 'error' event without a listener kills the
// process, so every client gets a listener when the pool creates it and every COPY stream one of
// its own; the failure itself reaches the caller as the rejected query, and the client is
// discarded rather than returned to the pool.
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlExecutor, SqlSession } from './sql-executor';

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

const ignore = () => {};

export function createPgExecutor(connectionString: string, maxConnections: number): SqlExecutor {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'meshlight-collector',
  });
  // An idle client losing its connection must not crash the collector; the next query reports it.
  pool.on('error', ignore);
  // Nor a busy one: the error also rejects the query in flight, which is where we handle it.
  pool.on('connect', (client) => client.on('error', ignore));

  /** Runs `use` on a pooled client; a client that failed is destroyed, not reused. */
  const withClient = async <T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      return await use(client);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  };

  const copyOn = async (client: pg.PoolClient, target: string, text: string | Buffer) => {
    const stream = client.query(copyFromStdin(`COPY ${target} FROM STDIN`));
    stream.on('error', ignore); // the pipeline below reports it; a late second error must not crash
    await pipeline(Readable.from([text]), stream);
  };

  const session = (client: pg.PoolClient): SqlSession => ({
    async query<Row>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as Row[];
    },
    copyFrom: (target, text) => copyOn(client, target, text),
  });

  return {
    description: describeDatabaseUrl(connectionString),
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await pool.query(sql, params);
      return result.rows as Row[];
    },
    async execInTransaction(sql: string) {
      await withClient(async (client) => {
        try {
          await client.query(`BEGIN;\n${sql}\n;COMMIT;`);
        } catch (error) {
          await client.query('ROLLBACK').catch(ignore);
          throw error;
        }
      });
    },
    copyFrom: (target, text) => withClient((client) => copyOn(client, target, text)),
    transaction: (work) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await work(session(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(ignore);
          throw error;
        }
      }),
    async close() {
      await pool.end();
    },
  };
}
