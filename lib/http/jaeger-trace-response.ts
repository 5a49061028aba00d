// GET /api/traces/{id}'s body, streamed: spans are written to the response as their rows arrive
// from PostgreSQL, so the JSON of a big trace is produced while the database is still reading.
// The status is decided before the first byte: 404 when no row comes, the error's own status when
// the read fails first. A failure after that can only cut the response short. A slow client holds
// the read back: past a few queued chunks the connection is paused and PostgreSQL waits to send.
import { notFound } from '../contracts/api-error';
import type { TraceWindow } from '../db/trace-queries';
import { streamTraceRows, type TraceRowStream } from '../db/trace-row-stream';
import { JaegerTracesWriter } from '../jaeger/rows-to-jaeger';
import { JSON_STREAM_HEADERS } from './route-errors';

/** Response chunks (256 KB each) allowed to wait for the client before the read is paused. */
const QUEUED_CHUNKS = 4;

export async function jaegerTraceResponse(traceId: string, window: TraceWindow): Promise<Response> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // A client that went away stops the writing; the read then runs to its end unpaused.
  let cancelled = false;
  let stream: TraceRowStream | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => stream?.resume(),
      cancel: () => {
        cancelled = true;
        stream?.resume();
      },
    },
    new CountQueuingStrategy({ highWaterMark: QUEUED_CHUNKS }),
  );
  let writer: JaegerTracesWriter | undefined;
  stream = streamTraceRows(traceId, window, {
    ready(dictionaries) {
      writer = new JaegerTracesWriter(dictionaries);
      writer.beginTrace(traceId);
    },
    row(row) {
      if (cancelled) return;
      writer!.span(row);
      for (const chunk of writer!.takeFullChunks()) controller.enqueue(chunk);
      if ((controller.desiredSize ?? 1) <= 0) stream!.pause();
    },
  });
  stream.done.then(
    () => {
      if (cancelled) return;
      writer!.endTrace();
      for (const chunk of writer!.end()) controller.enqueue(chunk);
      controller.close();
    },
    (error: unknown) => {
      if (!cancelled) controller.error(error);
    },
  );
  if (!(await stream.firstRow)) throw notFound('trace not found');
  return new Response(body, { headers: JSON_STREAM_HEADERS });
}
