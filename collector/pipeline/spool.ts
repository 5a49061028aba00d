// Keeps accepted rows across a restart when the database was down at shutdown: what the writers
// could not write is saved under <dataDir>/spool, one file per signal and shutdown, and queued
// again at the next start. Batch ids travel with the rows, so a batch that was in fact committed
// before the shutdown is not written twice.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RowsCodec } from './signal';
import type { QueuedRows } from './signal-queue';

interface SpooledEntry {
  batchId?: string;
  rows: unknown;
}

/** Writes `items` to a new spool file named after `prefix` (the signal's unit); returns its path. */
export async function spoolRows<Rows>(dir: string, prefix: string, codec: RowsCodec<Rows>, items: readonly QueuedRows<Rows>[]): Promise<string | undefined> {
  if (items.length === 0) return undefined;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${prefix}-${Date.now()}-${process.pid}.json`);
  const entries: SpooledEntry[] = items.map((item) => ({ batchId: item.batchId, rows: codec.toJson(item.rows) }));
  await writeFile(file, JSON.stringify(entries));
  return file;
}

/** Reads and removes the spool files of one signal. */
export async function unspoolRows<Rows>(dir: string, prefix: string, codec: RowsCodec<Rows>): Promise<QueuedRows<Rows>[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const all: QueuedRows<Rows>[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    const entries = JSON.parse(await readFile(full, 'utf8')) as unknown[];
    for (const entry of entries) {
      // Spools written before batch ids existed hold the rows themselves.
      const spooled = isEntry(entry) ? entry : { rows: entry };
      const rows = codec.fromJson(spooled.rows);
      const item: QueuedRows<Rows> = { rows, count: codec.count(rows), bytes: codec.bytes(rows) };
      if (spooled.batchId !== undefined) item.batchId = spooled.batchId;
      all.push(item);
    }
    await rm(full);
  }
  return all;
}

function isEntry(value: unknown): value is SpooledEntry {
  return typeof value === 'object' && value !== null && 'rows' in value;
}
