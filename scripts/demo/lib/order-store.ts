// Where orders keeps its orders: the real PostgreSQL (through `pg`, whose instrumentation makes
// the database CLIENT spans) when the demo found one, else an in-process table that still makes a
// CLIENT span per statement, so the service map keeps its database node on any machine.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import pg from 'pg';
import type { Logger } from './logger';
import { jitter, sleep } from './timing';

export interface StoredOrder {
  id: string;
  sku: string;
  quantity: number;
  amountCents: number;
  customerId: string;
  status: string;
  correlationId: string | null;
  createdAt: string;
}

export interface OrderStore {
  /** `postgresql` or `in-memory`, as in the spans' db.system.name. */
  readonly system: string;
  insert(order: StoredOrder): Promise<void>;
  find(id: string): Promise<StoredOrder | undefined>;
  close(): Promise<void>;
}

const TABLE = 'demo_orders';
// The demo writes a few orders a second; an hour of them is plenty to browse.
const KEEP_MINUTES = 60;
const CLEANUP_INTERVAL_MS = 5 * 60_000;

export async function createPgOrderStore(url: string, log: Logger): Promise<OrderStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2_000 });
  pool.on('error', (error) => log.error({ err: error }, 'PostgreSQL pool error'));
  // Outside a request (no parent span), so the instrumentation (requireParentSpan) stays quiet.
  await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
    id uuid PRIMARY KEY,
    sku text NOT NULL,
    quantity integer NOT NULL,
    amount_cents integer NOT NULL,
    customer_id text NOT NULL,
    status text NOT NULL,
    correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  const cleanup = setInterval(() => {
    pool
      .query(`DELETE FROM ${TABLE} WHERE created_at < now() - make_interval(mins => $1)`, [KEEP_MINUTES])
      .catch((error: unknown) => log.warn({ err: error }, 'old orders cleanup failed'));
  }, CLEANUP_INTERVAL_MS).unref();

  return {
    system: 'postgresql',
    async insert(order) {
      await pool.query(
        `INSERT INTO ${TABLE} (id, sku, quantity, amount_cents, customer_id, status, correlation_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [order.id, order.sku, order.quantity, order.amountCents, order.customerId, order.status, order.correlationId, order.createdAt],
      );
    },
    async find(id) {
      const { rows } = await pool.query(
        `SELECT id, sku, quantity, amount_cents AS "amountCents", customer_id AS "customerId", status,
                correlation_id AS "correlationId", created_at AS "createdAt"
           FROM ${TABLE} WHERE id = $1`,
        [id],
      );
      const row = rows[0] as (Omit<StoredOrder, 'createdAt'> & { createdAt: Date }) | undefined;
      return row ? { ...row, createdAt: row.createdAt.toISOString() } : undefined;
    },
    async close() {
      clearInterval(cleanup);
      await pool.end();
    },
  };
}

const MEMORY_CAPACITY = 20_000;

export function createMemoryOrderStore(): OrderStore {
  const rows = new Map<string, StoredOrder>();
  const tracer = trace.getTracer('meshlight-demo-memory-db');
  // One CLIENT span per statement, shaped like a database client's (semconv db spans:
  // https://opentelemetry.io/docs/specs/semconv/database/database-spans/).
  const statement = async <T>(operation: 'INSERT' | 'SELECT', run: () => T): Promise<T> =>
    tracer.startActiveSpan(
      `${operation} ${TABLE}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'in-memory',
          'db.namespace': 'meshlight_demo',
          'db.collection.name': TABLE,
          'db.operation.name': operation,
        },
      },
      async (span) => {
        try {
          await sleep(jitter(0.5, 3));
          return run();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  return {
    system: 'in-memory',
    insert: (order) =>
      statement('INSERT', () => {
        if (rows.size >= MEMORY_CAPACITY) rows.delete(rows.keys().next().value as string);
        rows.set(order.id, order);
      }),
    find: (id) => statement('SELECT', () => rows.get(id)),
    async close() {},
  };
}
