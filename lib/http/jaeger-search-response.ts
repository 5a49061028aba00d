// GET /api/traces's body for a search's traces, streamed: the traces are read in batches, a couple
// of batches ahead of the writer, so PostgreSQL turns the next traces' jsonb into text while this
// process writes the JSON of the previous ones. For a search of 1,500 traces (30,000 spans, ~45 MB
// of JSON) reading everything before writing anything added the two halves up; for 20 traces it
// is one batch, as before. The status is decided by the first batch: a database that fails then
// answers with its error; a failure later can only cut the response short.
import type { Db } from '../db/prisma';
import { loadTraceRows, type TraceWindow } from '../db/trace-queries';
import type { SpanDictionaries, StoredTraces } from '../domain/stored-span-row';
import { JaegerTracesWriter } from '../jaeger/rows-to-jaeger';
import { JSON_STREAM_HEADERS } from './route-errors';

/** Traces a batch. */
export const SEARCH_READ_BATCH = 100;
/** Batches read ahead of the one being written. */
const BATCHES_AHEAD = 2;

export async function jaegerSearchResponse(traceIds: readonly string[], window: TraceWindow, db?: Db): Promise<Response> {
  const batches: (readonly string[])[] = [];
  for (let i = 0; i < traceIds.length; i += SEARCH_READ_BATCH) batches.push(traceIds.slice(i, i + SEARCH_READ_BATCH));
  // One writer for every batch; its dictionaries grow as batches bring resources and scopes, and
  // a batch reads from the database only the resources and scopes no earlier batch brought.
  const dictionaries: SpanDictionaries = { resources: new Map(), scopes: new Map() };
  const writer = new JaegerTracesWriter(dictionaries);
  let nextBatch = 0;
  const reading: Promise<StoredTraces>[] = [];
  const readAhead = () => {
    while (nextBatch < batches.length && reading.length < BATCHES_AHEAD) {
      const read = loadTraceRows(batches[nextBatch++]!, window, db, dictionaries).then((stored) => {
        for (const [id, resource] of stored.resources) dictionaries.resources.set(id, resource);
        for (const [id, scope] of stored.scopes) dictionaries.scopes.set(id, scope);
        return stored;
      });
      read.catch(() => {}); // awaited in turn below; a failure must not go unhandled meanwhile
      reading.push(read);
    }
  };
  readAhead();
  if (reading.length > 0) await reading[0];

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const read = reading.shift();
      if (!read) {
        for (const chunk of writer.end()) controller.enqueue(chunk);
        controller.close();
        return;
      }
      const stored = await read;
      readAhead();
      for (const { traceId, rows } of stored.traces) {
        writer.beginTrace(traceId);
        for (const row of rows) writer.span(row);
        writer.endTrace();
        for (const chunk of writer.takeFullChunks()) controller.enqueue(chunk);
      }
    },
  });
  return new Response(body, { headers: JSON_STREAM_HEADERS });
}
