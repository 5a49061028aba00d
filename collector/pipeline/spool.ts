// Keeps accepted spans across a restart when the database was down at shutdown: what the writers
// could not write is saved under <dataDir>/spool and queued again at the next start.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Attributes } from '../../lib/domain/model';
import type { SpanRows } from '../store/span-rows';

// bigint fields are written as decimal strings; JSON has no 64-bit integers.
interface SpooledRows {
  copyText: string;
  spanCount: number;
  days: number[];
  resources: Array<{ id: string; serviceName: string; attributes: Attributes; droppedAttributesCount: number; schemaUrl: string }>;
  scopes: Array<{ id: string; name: string; version: string; attributes: Attributes }>;
  operations: Array<{ key: string; serviceName: string; spanName: string; spanKind: number; lastSeenNs: string }>;
}

export async function spoolRows(dir: string, parts: readonly SpanRows[]): Promise<string | undefined> {
  if (parts.length === 0) return undefined;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `spans-${Date.now()}-${process.pid}.json`);
  const spooled: SpooledRows[] = parts.map((rows) => ({
    copyText: rows.copyText,
    spanCount: rows.spanCount,
    days: [...rows.days],
    resources: [...rows.resources.values()].map((r) => ({ ...r, id: r.id.toString() })),
    scopes: [...rows.scopes.values()].map((s) => ({ ...s, id: s.id.toString() })),
    operations: [...rows.operations].map(([key, o]) => ({ ...o, key, lastSeenNs: o.lastSeenNs.toString() })),
  }));
  await writeFile(file, JSON.stringify(spooled));
  return file;
}

/** Reads and removes spooled rows. */
export async function unspoolRows(dir: string): Promise<SpanRows[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const all: SpanRows[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    const spooled = JSON.parse(await readFile(full, 'utf8')) as SpooledRows[];
    for (const s of spooled) {
      all.push({
        copyText: s.copyText,
        spanCount: s.spanCount,
        days: new Set(s.days),
        resources: new Map(s.resources.map((r) => [BigInt(r.id), { ...r, id: BigInt(r.id) }])),
        scopes: new Map(s.scopes.map((r) => [BigInt(r.id), { ...r, id: BigInt(r.id) }])),
        operations: new Map(
          s.operations.map(({ key, ...o }) => [key, { ...o, lastSeenNs: BigInt(o.lastSeenNs) }]),
        ),
      });
    }
    await rm(full);
  }
  return all;
}
