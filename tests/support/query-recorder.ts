// Records the SQL a piece of code sends to PostgreSQL, whichever way it goes: through Prisma's pg
// adapter, pool.query() or a pg.Query submitted on a client all end in pg.Client#query. Plan tests
// then EXPLAIN exactly those texts with exactly those parameters: what runs is what is checked.
import pg from 'pg';

export interface RecordedQuery {
  text: string;
  values: unknown[];
}

/** Runs `fn` while recording every query any pg client in this process sends. */
export async function recordQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: RecordedQuery[] }> {
  const queries: RecordedQuery[] = [];
  const original = pg.Client.prototype.query;
  // pg's overloads cannot be spelled in one signature; the recorder only reads text and values.
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === 'string') queries.push({ text: first, values: Array.isArray(second) ? second : [] });
    else if (first && typeof first === 'object' && 'text' in first) {
      const config = first as { text: string; values?: unknown[] };
      queries.push({ text: config.text, values: config.values ?? [] });
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    pg.Client.prototype.query = original;
  }
}

/** The text plan of a recorded query, planned with its own parameters. */
export async function explain(client: Pick<pg.ClientBase, 'query'>, query: RecordedQuery): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${query.text}`, values: query.values });
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}
