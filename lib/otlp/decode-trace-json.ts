// Decodes an OTLP/JSON ExportTraceServiceRequest (the body of OTLP/HTTP `application/json`) into
// the same TraceBatch the protobuf decoder produces for the same request.
// Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
//
// JSON.parse does the tokenizing; this file walks the parsed value by hand (a schema library is
// several times slower on this hot path) and is strict about types: a field of the wrong JSON type
// throws MalformedPayloadError naming its path, e.g.
// `resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an unsigned 64-bit ...`.
// Field names are accepted in lowerCamelCase and in the original snake_case (the proto3 JSON
// mapping asks parsers to accept both); unknown fields are ignored and `null` means "not set",
// both as the proto3 JSON mapping prescribes. Spans with invalid ids or timestamps out of range are
// rejected, not fatal. Resource, scope and attributes are decoded by otlp-common.ts.
import {
  countSpans,
  serviceNameOf,
  type InstrumentationScope,
  type Resource,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanLink,
  type TraceBatch,
  emptySpan,
} from '../domain/model';
import { textRepairs } from './clean-text';
import { expectArray, expectObject, jsonEnum, jsonHexId, jsonString, jsonTimestamp, jsonUint32, jsonUint64 } from './json-values';
import { MalformedPayloadError, asMalformed, rethrowWithin } from './malformed';
import { decodeAttributesJsonInto, decodeResourceJsonInto, decodeScopeJsonInto, emptyResource, emptyScope } from './otlp-common';
import { SpanRejections, admitSpan, isUsableLink, spanKindOf, statusCodeOf } from './span-rules';

const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

export function decodeTraceRequestJson(body: string): TraceBatch {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    throw new MalformedPayloadError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeTraceRequestJsonValue(root);
}

/** The same, for a body already parsed with JSON.parse (or for measuring the walk alone). */
export function decodeTraceRequestJsonValue(root: unknown): TraceBatch {
  const rejections = new SpanRejections();
  const resourceSpans: ResourceSpans[] = [];
  try {
    const request = expectObject(root, 'an ExportTraceServiceRequest');
    for (const key in request) {
      const value = request[key];
      if (value === null || (key !== 'resourceSpans' && key !== 'resource_spans')) continue;
      try {
        const list = expectArray(value);
        for (let i = 0; i < list.length; i++) {
          try {
            resourceSpans.push(decodeResourceSpans(list[i], resourceSpans.length, rejections));
          } catch (error) {
            rethrowWithin(error, `[${i}]`);
          }
        }
      } catch (error) {
        rethrowWithin(error, key);
      }
    }
  } catch (error) {
    throw asMalformed(error);
  }
  return {
    resourceSpans,
    spanCount: countSpans(resourceSpans),
    rejectedSpans: rejections.count,
    rejectionMessage: rejections.message,
  };
}

function decodeResourceSpans(input: unknown, index: number, rejections: SpanRejections): ResourceSpans {
  const o = expectObject(input, 'a ResourceSpans');
  const resource: Resource = emptyResource();
  const scopeSpans: ScopeSpans[] = [];
  let schemaUrl = '';
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'resource':
          decodeResourceJsonInto(value, resource);
          break;
        case 'scopeSpans':
        case 'scope_spans': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            try {
              scopeSpans.push(decodeScopeSpans(list[i], index, scopeSpans.length, rejections));
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = jsonString(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return { resource, serviceName: serviceNameOf(resource.attributes), schemaUrl, scopeSpans };
}

function decodeScopeSpans(input: unknown, resourceIndex: number, scopeIndex: number, rejections: SpanRejections): ScopeSpans {
  const o = expectObject(input, 'a ScopeSpans');
  const scope: InstrumentationScope = emptyScope();
  const spans: Span[] = [];
  let schemaUrl = '';
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'scope':
          decodeScopeJsonInto(value, scope);
          break;
        case 'spans': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            let decoded: DecodedSpan;
            const repairs = textRepairs.count;
            try {
              decoded = decodeSpan(list[i]);
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
            const { span, idProblem } = decoded;
            if (admitSpan(span, rejections, resourceIndex, scopeIndex, i, idProblem, textRepairs.count !== repairs)) spans.push(span);
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = jsonString(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return { scope, schemaUrl, spans };
}

interface DecodedSpan {
  span: Span;
  /** Set when an id is not hex at all, which the protobuf encoding cannot even express. */
  idProblem: string | undefined;
}

function decodeSpan(input: unknown): DecodedSpan {
  const o = expectObject(input, 'a Span');
  const span = emptySpan();
  let idProblem: string | undefined;
  let unusableLinks = 0;
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'traceId':
        case 'trace_id': {
          const id = jsonHexId(value);
          if (id === undefined) idProblem ??= notHex('trace id', value);
          else span.traceId = id;
          break;
        }
        case 'spanId':
        case 'span_id': {
          const id = jsonHexId(value);
          if (id === undefined) idProblem ??= notHex('span id', value);
          else span.spanId = id;
          break;
        }
        case 'parentSpanId':
        case 'parent_span_id': {
          const id = jsonHexId(value);
          if (id === undefined) idProblem ??= notHex('parent span id', value);
          else span.parentSpanId = id;
          break;
        }
        case 'traceState':
        case 'trace_state':
          span.traceState = jsonString(value);
          break;
        case 'flags':
          span.flags = jsonUint32(value);
          break;
        case 'name':
          span.name = jsonString(value);
          break;
        case 'kind':
          span.kind = spanKindOf(jsonEnum(value, SPAN_KIND_NAMES));
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          span.startNs = jsonTimestamp(value); // out of range → this span rejected, not the request
          break;
        case 'endTimeUnixNano':
        case 'end_time_unix_nano':
          span.endNs = jsonTimestamp(value);
          break;
        case 'attributes':
          decodeAttributesJsonInto(value, span.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          span.droppedAttributesCount = jsonUint32(value);
          break;
        case 'events': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            try {
              span.events.push(decodeEvent(list[i]));
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
          }
          break;
        }
        case 'droppedEventsCount':
        case 'dropped_events_count':
          span.droppedEventsCount = jsonUint32(value);
          break;
        case 'links': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            let link: SpanLink;
            try {
              link = decodeLink(list[i]);
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
            // Same rule as the protobuf decoder: see isUsableLink().
            if (isUsableLink(link)) span.links.push(link);
            else unusableLinks++;
          }
          break;
        }
        case 'droppedLinksCount':
        case 'dropped_links_count':
          span.droppedLinksCount = jsonUint32(value);
          break;
        case 'status':
          decodeStatusInto(value, span);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  span.droppedLinksCount += unusableLinks;
  return { span, idProblem };
}

function notHex(what: string, value: unknown): string {
  const text = String(value);
  return `invalid ${what} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} (not hex)`;
}

function decodeEvent(input: unknown): SpanEvent {
  const o = expectObject(input, 'a Span.Event');
  const event: SpanEvent = { timeNs: 0n, name: '', attributes: {}, droppedAttributesCount: 0 };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'timeUnixNano':
        case 'time_unix_nano':
          event.timeNs = jsonUint64(value);
          break;
        case 'name':
          event.name = jsonString(value);
          break;
        case 'attributes':
          decodeAttributesJsonInto(value, event.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          event.droppedAttributesCount = jsonUint32(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return event;
}

function decodeLink(input: unknown): SpanLink {
  const o = expectObject(input, 'a Span.Link');
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'traceId':
        case 'trace_id':
          link.traceId = jsonHexId(value) ?? ''; // not hex → unusable → dropped by the caller
          break;
        case 'spanId':
        case 'span_id':
          link.spanId = jsonHexId(value) ?? '';
          break;
        case 'traceState':
        case 'trace_state':
          link.traceState = jsonString(value);
          break;
        case 'attributes':
          decodeAttributesJsonInto(value, link.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          link.droppedAttributesCount = jsonUint32(value);
          break;
        case 'flags':
          link.flags = jsonUint32(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return link;
}

function decodeStatusInto(input: unknown, span: Span): void {
  const o = expectObject(input, 'a Status');
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'message':
          span.statusMessage = jsonString(value);
          break;
        case 'code':
          span.statusCode = statusCodeOf(jsonEnum(value, STATUS_CODE_NAMES));
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
}
