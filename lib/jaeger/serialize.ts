// Jaeger JSON text for a list of traces, produced span by span instead of as one object graph and
// one giant JSON.stringify: each span's Jaeger object lives only while it is serialised, and the
// text leaves in chunks. For a 10,000-span trace (12 MB of JSON) this halves garbage-collection
// work and avoids copying the whole body several times. The text is identical to
// JSON.stringify(jaegerEnvelope(traces.map(toJaegerTrace))) — a unit test holds it to that.
import type { Trace } from '../domain/trace';
import { jaegerTraceId, toJaegerProcess, toJaegerSpan } from './to-jaeger';
import type { JaegerError, JaegerProcess } from './types';

/** Process ids for a trace: p1, p2, … per distinct resource, in span order (as toJaegerTrace). */
export function assignProcessIds(trace: Trace): { byResource: Map<string, string>; processes: Record<string, JaegerProcess> } {
  const byResource = new Map<string, string>();
  const processes: Record<string, JaegerProcess> = {};
  for (const span of trace.spans) {
    if (byResource.has(span.resource.id)) continue;
    const processID = `p${byResource.size + 1}`;
    byResource.set(span.resource.id, processID);
    processes[processID] = toJaegerProcess(span.resource);
  }
  return { byResource, processes };
}

/** The pieces of `{"data":[traces…],"total":0,"limit":0,"offset":0,"errors":…}`, lazily. */
export function* jaegerTracesJson(traces: readonly Trace[], errors: JaegerError[] | null = null): Generator<string> {
  yield '{"data":[';
  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t]!;
    const { byResource, processes } = assignProcessIds(trace);
    yield `${t > 0 ? ',' : ''}{"traceID":${JSON.stringify(jaegerTraceId(trace.traceId))},"spans":[`;
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      const json = JSON.stringify(toJaegerSpan(span, byResource.get(span.resource.id)!));
      yield i > 0 ? `,${json}` : json;
    }
    yield `],"processes":${JSON.stringify(processes)},"warnings":null}`;
  }
  yield `],"total":0,"limit":0,"offset":0,"errors":${JSON.stringify(errors)}}`;
}

/** Concatenates text pieces into UTF-8 chunks of about `chunkChars` characters. */
export function textChunksToStream(pieces: Iterator<string>, chunkChars = 256 * 1024): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const parts: string[] = [];
      let size = 0;
      while (size < chunkChars) {
        const next = pieces.next();
        if (next.done) break;
        parts.push(next.value);
        size += next.value.length;
      }
      if (parts.length > 0) controller.enqueue(encoder.encode(parts.join('')));
      if (size < chunkChars) controller.close();
    },
  });
}
