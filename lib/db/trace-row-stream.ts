// One trace's span rows handed over as PostgreSQL sends them, so the caller can turn them into a
// response while the database is still reading. For a 10,000-span trace this overlaps the ~50 ms
// PostgreSQL spends printing jsonb as text with the JavaScript that writes the JSON; measured over
// HTTP (scripts/bench.ts) it took GET /api/traces/{id} from ~200 ms to ~130 ms on 2 cores.
//
// Rows come in storage order, as Jaeger's own query service returns spans: sorting in SQL would
// hold every row back until the last one is read (a sorted read measured ~15 ms slower), and
// Jaeger clients order spans themselves. Reading in several concurrent shares, which helps the
// buffered loadTraceRows(), only adds contention here: one backend already outpaces the writer.
import pg from 'pg';
import type { SpanDictionaries, StoredSpanRow } from '../domain/stored-span-row';
import { getDb, type Db } from './prisma';
import {
  RowAdmission,
  loadDictionaries,
  spanRowsSql,
  toStoredSpanRow,
  traceIdFilter,
  type SpanRowColumns,
  type TraceWindow,
} from './trace-queries';

export interface TraceRowHandlers {
  /** Called once, before the first row, with the resources and scopes rows reference. */
  ready(dictionaries: SpanDictionaries): void;
  /** Each stored span once. */
  row(row: StoredSpanRow): void;
}

export interface TraceRowStream {
  /** True once the first row was handed over; false when the trace has no rows (in the window). */
  firstRow: Promise<boolean>;
  /** Settles after the last row; rejects if the read failed. */
  done: Promise<void>;
  /**
   * Stops taking rows off the connection until resume(): PostgreSQL then waits to send, so a slow
   * reader of the response holds the read back instead of the response piling up in memory.
   */
  pause(): void;
  resume(): void;
}

export function streamTraceRows(traceId: string, window: TraceWindow, handlers: TraceRowHandlers, db: Db = getDb()): TraceRowStream {
  const values: unknown[] = [];
  const where = traceIdFilter([traceId], window, values);
  let rowCount = 0;
  let resolveFirst!: (found: boolean) => void;
  const firstRow = new Promise<boolean>((resolve) => (resolveFirst = resolve));
  let admission: RowAdmission | undefined;
  // Rows arriving before the dictionaries (a small query run alongside) wait here.
  let waiting: StoredSpanRow[] | undefined = [];

  const handOver = (row: StoredSpanRow) => {
    if (!admission!.admit(row)) return;
    handlers.row(row);
    if (rowCount++ === 0) resolveFirst(true);
  };
  const dictionaries = loadDictionaries(where, values, db).then((loaded) => {
    admission = new RowAdmission(loaded, false);
    handlers.ready(loaded);
    for (const row of waiting!) handOver(row);
    waiting = undefined;
  });
  const flow = new ConnectionFlow();
  const rows = readRows(db, spanRowsSql(where), values, flow, (columns) => {
    const row = toStoredSpanRow(columns);
    if (waiting) waiting.push(row);
    else handOver(row);
  });
  const done = Promise.all([dictionaries, rows]).then(() => {
    if (rowCount === 0) resolveFirst(false);
  });
  return {
    firstRow: Promise.race([firstRow, done.then(() => firstRow)]),
    done,
    pause: () => flow.pause(),
    resume: () => flow.resume(),
  };
}

/**
 * Pauses and resumes reading from the connection a query runs on, and only while it runs: once
 * the connection goes back to the pool it is resumed and let go (a row handed over late, after
 * the query ended, must not stall whichever request uses that connection next).
 */
class ConnectionFlow {
  private socket: { pause(): unknown; resume(): unknown } | undefined;
  private paused = false;

  attach(socket: { pause(): unknown; resume(): unknown }): void {
    this.socket = socket;
    if (this.paused) socket.pause();
  }

  detach(): void {
    this.socket?.resume();
    this.socket = undefined;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket?.resume();
  }
}

/** Runs a query on its own connection, handing over each row as soon as it is parsed. */
async function readRows(db: Db, text: string, values: unknown[], flow: ConnectionFlow, onRow: (columns: SpanRowColumns) => void): Promise<void> {
  const client = await db.pool.connect();
  flow.attach(client.connection.stream);
  try {
    await new Promise<void>((resolve, reject) => {
      // A Query with a 'row' listener and no callback does not accumulate rows (pg/lib/query.js).
      const query = new pg.Query<SpanRowColumns>({ text, values, rowMode: 'array' } as pg.QueryConfig);
      let failed = false;
      query.on('row', (row: SpanRowColumns) => {
        if (failed) return;
        try {
          onRow(row);
        } catch (error) {
          failed = true;
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      query.on('end', () => resolve());
      query.on('error', reject);
      client.query(query);
    });
    flow.detach();
    client.release();
  } catch (error) {
    flow.detach();
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}
