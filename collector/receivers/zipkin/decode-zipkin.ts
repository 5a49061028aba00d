// Zipkin wire formats → ZipkinSpan[] (then zipkinSpansToBatch): pure decoders, each throwing a
// MalformedPayloadError (400) naming where the body is wrong.
//   JSON v2   [{traceId, id, parentId, name, kind, timestamp, duration, localEndpoint, …}]
//             https://github.com/openzipkin/zipkin-api/blob/master/zipkin2-api.yaml
//   proto3    zipkin.proto3.ListOfSpans
//             https://github.com/openzipkin/zipkin-api/blob/master/zipkin.proto
//   JSON v1   [{traceId, id, parentId, name, timestamp, duration, annotations: [{value: "cs"|"sr"|…,
//             endpoint}], binaryAnnotations: [{key, value, endpoint}]}], converted to v2 the way
//             zipkin2's V1SpanConverter does for the common cases (one span a side).
import { z } from 'zod';
import { ProtobufReader } from '../otlp/protobuf-reader';
import { MalformedPayloadError } from '../otlp/malformed';
import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-to-batch';

// ---------------------------------------------------------------------------------------------
// JSON v2

const hexId = (max: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{1,${max}}$`), `expected 1 to ${max} hex characters`);
const endpoint = z
  .object({ serviceName: z.string().optional(), ipv4: z.string().optional(), ipv6: z.string().optional(), port: z.number().int().optional() })
  .passthrough();
const micros = z.number().nonnegative();

const spanV2 = z.object({
  traceId: hexId(32),
  id: hexId(16),
  parentId: hexId(16).nullish(),
  name: z.string().nullish(),
  kind: z.enum(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']).nullish(),
  timestamp: micros.nullish(),
  duration: micros.nullish(),
  localEndpoint: endpoint.nullish(),
  remoteEndpoint: endpoint.nullish(),
  annotations: z.array(z.object({ timestamp: micros, value: z.string() })).nullish(),
  tags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).nullish(),
  debug: z.boolean().nullish(),
  shared: z.boolean().nullish(),
});

function issuePath(error: z.ZodError): MalformedPayloadError {
  const issue = error.issues[0]!;
  const malformed = new MalformedPayloadError(issue.message);
  for (const segment of [...issue.path].reverse()) malformed.within(typeof segment === 'number' ? `[${segment}]` : String(segment));
  return malformed;
}

function parseJsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedPayloadError(`not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new MalformedPayloadError('expected a JSON array of spans');
  return value;
}

function cleanEndpoint(e: z.infer<typeof endpoint> | null | undefined): ZipkinEndpoint | undefined {
  if (!e) return undefined;
  const out: ZipkinEndpoint = {};
  if (e.serviceName) out.serviceName = e.serviceName;
  if (e.ipv4) out.ipv4 = e.ipv4;
  if (e.ipv6) out.ipv6 = e.ipv6;
  if (e.port) out.port = e.port;
  return out;
}

export function decodeZipkinJsonV2(text: string): ZipkinSpan[] {
  const values = parseJsonArray(text);
  return values.map((value, i) => {
    const parsed = spanV2.safeParse(value);
    if (!parsed.success) throw issuePath(parsed.error).within(`[${i}]`);
    const s = parsed.data;
    const span: ZipkinSpan = { traceId: s.traceId, id: s.id };
    if (s.parentId) span.parentId = s.parentId;
    if (s.name) span.name = s.name;
    if (s.kind) span.kind = s.kind;
    if (s.timestamp != null) span.timestamp = s.timestamp;
    if (s.duration != null) span.duration = s.duration;
    const local = cleanEndpoint(s.localEndpoint);
    if (local) span.localEndpoint = local;
    const remote = cleanEndpoint(s.remoteEndpoint);
    if (remote) span.remoteEndpoint = remote;
    if (s.annotations) span.annotations = s.annotations;
    if (s.tags) span.tags = s.tags;
    if (s.debug) span.debug = true;
    if (s.shared) span.shared = true;
    return span;
  });
}

// ---------------------------------------------------------------------------------------------
// proto3

const PROTO_KINDS: Array<ZipkinKind | undefined> = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function ipText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return groups.join(':');
  }
  return undefined;
}

function readEndpoint(reader: ProtobufReader, tag: number): ZipkinEndpoint {
  const outer = reader.enter(tag);
  const e: ZipkinEndpoint = {};
  while (reader.hasMore()) {
    const t = reader.readTag();
    switch (t >>> 3) {
      case 1:
        e.serviceName = reader.string(t);
        break;
      case 2: {
        const ip = ipText(reader.bytes(t));
        if (ip) e.ipv4 = ip;
        break;
      }
      case 3: {
        const ip = ipText(reader.bytes(t));
        if (ip) e.ipv6 = ip;
        break;
      }
      case 4:
        e.port = reader.int32(t);
        break;
      default:
        reader.skip(t);
    }
  }
  reader.leave(outer);
  return e;
}

function readSpan(reader: ProtobufReader, tag: number): ZipkinSpan {
  const outer = reader.enter(tag);
  const span: ZipkinSpan = { traceId: '', id: '' };
  while (reader.hasMore()) {
    const t = reader.readTag();
    const field = t >>> 3;
    try {
      switch (field) {
        case 1:
          span.traceId = reader.hex(t);
          break;
        case 2:
          span.parentId = reader.hex(t) || undefined;
          if (span.parentId === undefined) delete span.parentId;
          break;
        case 3:
          span.id = reader.hex(t);
          break;
        case 4: {
          const kind = PROTO_KINDS[reader.uint32(t)];
          if (kind) span.kind = kind;
          break;
        }
        case 5:
          span.name = reader.string(t);
          break;
        case 6:
          span.timestamp = Number(reader.fixed64(t));
          break;
        case 7:
          span.duration = Number(reader.uint64(t));
          break;
        case 8:
          span.localEndpoint = readEndpoint(reader, t);
          break;
        case 9:
          span.remoteEndpoint = readEndpoint(reader, t);
          break;
        case 10: {
          const inner = reader.enter(t);
          const annotation = { timestamp: 0, value: '' };
          while (reader.hasMore()) {
            const at = reader.readTag();
            if (at >>> 3 === 1) annotation.timestamp = Number(reader.fixed64(at));
            else if (at >>> 3 === 2) annotation.value = reader.string(at);
            else reader.skip(at);
          }
          reader.leave(inner);
          (span.annotations ??= []).push(annotation);
          break;
        }
        case 11: {
          // map<string, string> entry: key = 1, value = 2.
          const inner = reader.enter(t);
          let key = '';
          let value = '';
          while (reader.hasMore()) {
            const et = reader.readTag();
            if (et >>> 3 === 1) key = reader.string(et);
            else if (et >>> 3 === 2) value = reader.string(et);
            else reader.skip(et);
          }
          reader.leave(inner);
          (span.tags ??= {})[key] = value;
          break;
        }
        case 12:
          span.debug = reader.bool(t);
          break;
        case 13:
          span.shared = reader.bool(t);
          break;
        default:
          reader.skip(t);
      }
    } catch (error) {
      if (error instanceof MalformedPayloadError) throw error.within(FIELD_NAMES[field] ?? `field ${field}`);
      throw error;
    }
  }
  reader.leave(outer);
  return span;
}

const FIELD_NAMES: Record<number, string> = {
  1: 'trace_id',
  2: 'parent_id',
  3: 'id',
  4: 'kind',
  5: 'name',
  6: 'timestamp',
  7: 'duration',
  8: 'local_endpoint',
  9: 'remote_endpoint',
  10: 'annotations',
  11: 'tags',
  12: 'debug',
  13: 'shared',
};

export function decodeZipkinProto(body: Uint8Array): ZipkinSpan[] {
  const reader = new ProtobufReader(body);
  const spans: ZipkinSpan[] = [];
  while (reader.hasMore()) {
    const tag = reader.readTag();
    if (tag >>> 3 !== 1) {
      reader.skip(tag);
      continue;
    }
    try {
      spans.push(readSpan(reader, tag));
    } catch (error) {
      if (error instanceof MalformedPayloadError) throw error.within(`spans[${spans.length}]`);
      throw error;
    }
    const last = spans.at(-1)!;
    if (last.traceId === '' || last.id === '') throw new MalformedPayloadError('trace_id and id are required').within(`spans[${spans.length - 1}]`);
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// JSON v1

const endpointV1 = z.object({ serviceName: z.string().optional(), ipv4: z.string().optional(), ipv6: z.string().optional(), port: z.number().int().optional() }).passthrough();
const spanV1 = z.object({
  traceId: hexId(32),
  id: hexId(16),
  parentId: hexId(16).nullish(),
  name: z.string().nullish(),
  timestamp: micros.nullish(),
  duration: micros.nullish(),
  debug: z.boolean().nullish(),
  annotations: z.array(z.object({ timestamp: micros, value: z.string(), endpoint: endpointV1.nullish() })).nullish(),
  binaryAnnotations: z
    .array(z.object({ key: z.string(), value: z.union([z.string(), z.number(), z.boolean()]), endpoint: endpointV1.nullish() }))
    .nullish(),
});

const CORE: Record<string, { kind: ZipkinKind; start: boolean }> = {
  cs: { kind: 'CLIENT', start: true },
  cr: { kind: 'CLIENT', start: false },
  sr: { kind: 'SERVER', start: true },
  ss: { kind: 'SERVER', start: false },
  ms: { kind: 'PRODUCER', start: true },
  ws: { kind: 'PRODUCER', start: false },
  mr: { kind: 'CONSUMER', start: true },
  wr: { kind: 'CONSUMER', start: false },
};

/**
 * v1 spans: a span shared by client and server (cs/sr/ss/cr in one span) becomes a CLIENT span
 * and a shared SERVER span, as in zipkin2's V1SpanConverter; `ca`/`sa` address annotations become
 * the remote endpoint; `lc` names the local service of a local span.
 */
export function decodeZipkinJsonV1(text: string): ZipkinSpan[] {
  const out: ZipkinSpan[] = [];
  parseJsonArray(text).forEach((value, i) => {
    const parsed = spanV1.safeParse(value);
    if (!parsed.success) throw issuePath(parsed.error).within(`[${i}]`);
    const s = parsed.data;
    const sides = new Map<ZipkinKind, ZipkinSpan & { end?: number }>();
    const plain: ZipkinSpan['annotations'] = [];
    let localEndpoint: ZipkinEndpoint | undefined;
    for (const a of s.annotations ?? []) {
      const core = CORE[a.value];
      if (!core) {
        plain.push({ timestamp: a.timestamp, value: a.value });
        localEndpoint ??= cleanEndpoint(a.endpoint);
        continue;
      }
      let side = sides.get(core.kind);
      if (!side) {
        side = { traceId: s.traceId, id: s.id, kind: core.kind };
        sides.set(core.kind, side);
      }
      const ep = cleanEndpoint(a.endpoint);
      if (ep) side.localEndpoint = ep;
      if (core.start) side.timestamp = a.timestamp;
      else side.end = a.timestamp;
    }
    const tags: Record<string, string> = {};
    let clientAddress: ZipkinEndpoint | undefined;
    let serverAddress: ZipkinEndpoint | undefined;
    for (const b of s.binaryAnnotations ?? []) {
      // ca: the client's address (a server span's remote side); sa, ma: the server's or broker's.
      if (b.key === 'ca') clientAddress = cleanEndpoint(b.endpoint);
      else if (b.key === 'sa' || b.key === 'ma') serverAddress = cleanEndpoint(b.endpoint);
      else {
        tags[b.key] = String(b.value);
        localEndpoint ??= cleanEndpoint(b.endpoint);
      }
    }
    if (sides.size === 0) sides.set('CLIENT' as ZipkinKind, { traceId: s.traceId, id: s.id }); // a local span: no kind
    let first = true;
    for (const [kind, side] of sides) {
      const span: ZipkinSpan = { traceId: s.traceId, id: s.id };
      if (s.parentId) span.parentId = s.parentId;
      if (s.name) span.name = s.name;
      if (side.kind) span.kind = kind;
      const start = side.timestamp ?? s.timestamp ?? undefined;
      if (start !== undefined) span.timestamp = start;
      const duration = side.end !== undefined && side.timestamp !== undefined ? side.end - side.timestamp : s.duration ?? undefined;
      if (duration !== undefined) span.duration = duration;
      const local = side.localEndpoint ?? localEndpoint;
      if (local) span.localEndpoint = local;
      const remote = kind === 'SERVER' ? clientAddress : side.kind ? serverAddress : undefined;
      if (remote) span.remoteEndpoint = remote;
      if (first && plain.length > 0) span.annotations = plain;
      if (first && Object.keys(tags).length > 0) span.tags = tags;
      if (kind === 'SERVER' && sides.has('CLIENT')) span.shared = true;
      if (s.debug) span.debug = true;
      out.push(span);
      first = false;
    }
  });
  return out;
}
