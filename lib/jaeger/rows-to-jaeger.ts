// Jaeger's JSON for whole traces, written from stored span rows into UTF-8 chunks: no TraceSpan
// objects, no BigInt (SQL computes the microseconds), attribute tags copied from the jsonb text
// (jsonb-tags.ts). This is the hot path of GET /api/traces/{id}: a 10,000-span trace with 20
// attributes a span is ~18 MB of JSON. Spans can be fed as their rows arrive from PostgreSQL, so
// the response leaves while the database is still reading (lib/http/jaeger-trace-response.ts).
//
// The output is the same JSON as jaegerTracesJson() over loadTraces() (serialize.ts, the
// reference), which tests/integration/jaeger-rows.test.ts holds over edge-case spans.
import type { SpanKind, StatusCode } from '../domain/model';
import { fromStoredEvents, fromStoredLinks, type StoredEvent, type StoredLink } from '../domain/stored-span-json';
import { Head, NO_PARENT, type SpanDictionaries, type StoredSpanRow, type StoredTraces } from '../domain/stored-span-row';
import { jsonbTagsJson } from './jsonb-tags';
import { logsJson, referencesJson, scopeTagsJson, spanStateTagsJson } from './serialize';
import { jaegerTraceId, toJaegerProcess } from './to-jaeger';
import type { JaegerError, JaegerProcess } from './types';
import { Utf8ChunkWriter } from './utf8-chunk-writer';

const q = JSON.stringify;

/** The trace being written: its constant pieces and its processes. */
interface OpenTrace {
  traceId: string;
  spanStart: string;
  parentRefStart: string;
  spanCount: number;
  processIds: Map<string, string>;
}

/**
 * `{"data":[traces…],"total":0,"limit":0,"offset":0,"errors":…}`, written trace by trace and span
 * by span; full chunks can be taken at any time.
 */
export class JaegerTracesWriter {
  private readonly out: Utf8ChunkWriter;
  private readonly scopeTags = new Map<string, string>();
  private readonly stateTags = new Map<number, string>();
  /** A resource's process JSON, the same in every trace that references it. */
  private readonly processJson = new Map<string, string>();
  private trace: OpenTrace | undefined;
  private traceCount = 0;

  constructor(
    private readonly dictionaries: SpanDictionaries,
    chunkBytes?: number,
  ) {
    this.out = new Utf8ChunkWriter(chunkBytes);
    this.out.write('{"data":[');
  }

  beginTrace(traceId: string): void {
    const traceID = q(jaegerTraceId(traceId));
    this.trace = {
      traceId,
      spanStart: `{"traceID":${traceID},"spanID":"`,
      parentRefStart: `{"refType":"CHILD_OF","traceID":${traceID},"spanID":"`,
      spanCount: 0,
      processIds: new Map(),
    };
    this.out.write(`${this.traceCount++ > 0 ? ',' : ''}{"traceID":${traceID},"spans":[`);
  }

  /** One span of the open trace; spans come in the order they should appear. */
  span(row: StoredSpanRow): void {
    const trace = this.trace!;
    const json = this.spanJson(row, trace);
    this.out.write(trace.spanCount++ > 0 ? `,${json}` : json);
  }

  endTrace(): void {
    // `{"p1":…,"p2":…}` as q() writes an object with those keys, each process's JSON cached per
    // resource: a search's 1,500 traces reference the same few resources 30,000 times.
    let processes = '';
    for (const [resourceId, processID] of this.trace!.processIds) {
      processes += `${processes === '' ? '' : ','}"${processID}":${this.processJsonFor(resourceId)}`;
    }
    this.out.write(`],"processes":{${processes}},"warnings":null}`);
    this.trace = undefined;
  }

  /** Closes the envelope; returns every chunk not taken yet. */
  end(errors: JaegerError[] | null = null): Uint8Array[] {
    this.out.write(`],"total":0,"limit":0,"offset":0,"errors":${q(errors)}}`);
    return this.out.takeAll();
  }

  takeFullChunks(): readonly Uint8Array[] {
    return this.out.takeFullChunks();
  }

  private spanJson(row: StoredSpanRow, trace: OpenTrace): string {
    const head = row.head;
    let out = `${trace.spanStart}${head[Head.spanId]}"`;
    const traceFlags = Number(head[Head.flags]) & 0xff;
    if (traceFlags) out += `,"flags":${traceFlags}`;
    out += `,"operationName":${q(row.name)},"references":[`;
    const parent = head[Head.parentSpanId]!;
    if (row.links !== null) {
      const links = fromStoredLinks(JSON.parse(row.links) as StoredLink[]);
      out += referencesJson(trace.traceId, parent === NO_PARENT ? '' : parent, links);
    } else if (parent !== NO_PARENT) {
      out += `${trace.parentRefStart}${parent}"}`;
    }
    out += `],"startTime":${head[Head.startMicros]},"duration":${head[Head.durationMicros]},"tags":[`;
    // Each group of tags comes with leading commas; only flat cached strings are sliced (slicing
    // the concatenation would copy it).
    const scopeTags = this.scopeTagsFor(head[Head.scopeId]!);
    const stateTags = this.stateTagsFor(row);
    if (scopeTags !== '') out += `${scopeTags.slice(1)}${jsonbTagsJson(row.attributes, true)}${stateTags}`;
    else {
      const attributeTags = jsonbTagsJson(row.attributes, false);
      out += attributeTags !== '' ? `${attributeTags}${stateTags}` : stateTags.slice(1);
    }
    out += '],"logs":[';
    if (row.events !== null) out += logsJson(fromStoredEvents(JSON.parse(row.events) as StoredEvent[]));
    return `${out}],"processID":"${this.processIdFor(head[Head.resourceId]!, trace)}","warnings":null}`;
  }

  private scopeTagsFor(scopeId: string): string {
    let tags = this.scopeTags.get(scopeId);
    if (tags === undefined) {
      const scope = this.dictionaries.scopes.get(scopeId) ?? { id: scopeId, name: '', version: '', attributes: {} };
      this.scopeTags.set(scopeId, (tags = scopeTagsJson(scope)));
    }
    return tags;
  }

  /** Kind and status tags, cached for the common case of no status message and no trace state. */
  private stateTagsFor(row: StoredSpanRow): string {
    const kind = Number(row.head[Head.kind]) as SpanKind;
    const statusCode = Number(row.head[Head.statusCode]) as StatusCode;
    const statusMessage = row.statusMessage ?? '';
    const traceState = row.traceState ?? '';
    if (statusMessage !== '' || traceState !== '') return spanStateTagsJson({ kind, statusCode, statusMessage, traceState });
    const key = kind * 16 + statusCode;
    let tags = this.stateTags.get(key);
    if (tags === undefined) this.stateTags.set(key, (tags = spanStateTagsJson({ kind, statusCode, statusMessage, traceState })));
    return tags;
  }

  private processJsonFor(resourceId: string): string {
    let json = this.processJson.get(resourceId);
    if (json === undefined) {
      const resource = this.dictionaries.resources.get(resourceId);
      const process: JaegerProcess = resource ? toJaegerProcess(resource) : { serviceName: '', tags: [] };
      this.processJson.set(resourceId, (json = q(process)));
    }
    return json;
  }

  /** p1, p2, … per distinct resource in span order, as toJaegerTrace numbers them. */
  private processIdFor(resourceId: string, trace: OpenTrace): string {
    let processID = trace.processIds.get(resourceId);
    if (processID === undefined) trace.processIds.set(resourceId, (processID = `p${trace.processIds.size + 1}`));
    return processID;
  }
}

/** Whole traces already read, as lazily produced chunks of about `chunkBytes`. */
export function* jaegerTracesFromRows(stored: StoredTraces, errors: JaegerError[] | null = null, chunkBytes?: number): Generator<Uint8Array> {
  const writer = new JaegerTracesWriter(stored, chunkBytes);
  for (const { traceId, rows } of stored.traces) {
    writer.beginTrace(traceId);
    for (const row of rows) {
      writer.span(row);
      yield* writer.takeFullChunks();
    }
    writer.endTrace();
  }
  yield* writer.end(errors);
}
