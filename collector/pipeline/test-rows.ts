// A minimal signal for the pipeline's own tests: rows are lines of text, one item per line.
import type { RowsCodec } from './signal';
import type { QueuedRows } from './signal-queue';

export type Lines = string[];

export const linesCodec: RowsCodec<Lines> = {
  count: (rows) => rows.length,
  bytes: (rows) => rows.reduce((n, line) => n + line.length, 0),
  merge: (parts) => parts.flat(),
  split: (rows) => {
    const half = Math.ceil(rows.length / 2);
    return [rows.slice(0, half), rows.slice(half)];
  },
  describe: (rows) => rows.join('\n').slice(0, 500),
  toJson: (rows) => rows,
  fromJson: (value) => value as Lines,
};

export function queued(rows: Lines, count = rows.length, bytes = linesCodec.bytes(rows)): QueuedRows<Lines> {
  return { rows, count, bytes };
}
