// Decodes a binary protobuf opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest (the
// body of OTLP/gRPC Export and of OTLP/HTTP `application/x-protobuf`) into a TraceBatch.
// Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
// Schema (field numbers below): opentelemetry-proto trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto, collector/trace/v1/trace_service.proto.
//
// Unknown fields are skipped (proto3 forward compatibility); a malformed buffer throws
// MalformedPayloadError naming the path and byte offset; a span with invalid ids or timestamps out
// of range is not fatal: it is counted in `rejectedSpans` for the partial-success response (see
// span-rules.ts). Resource, scope and attributes are decoded by lib/otlp/otlp-common.ts.
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
} from '../../../lib/domain/model';
import { textRepairs } from '../../../lib/otlp/clean-text';
import { asMalformed, rethrowWithin } from '../../../lib/otlp/malformed';
import { decodeKeyValueInto, decodeResourceInto, decodeScopeInto, emptyResource, emptyScope } from '../../../lib/otlp/otlp-common';
import { ProtobufReader } from '../../../lib/otlp/protobuf-reader';
import { SpanRejections, admitSpan, isUsableLink, spanKindOf, statusCodeOf } from '../../../lib/otlp/span-rules';

export function decodeTraceRequestProto(bytes: Uint8Array): TraceBatch {
  const r = new ProtobufReader(bytes);
  const rejections = new SpanRejections();
  const resourceSpans: ResourceSpans[] = [];
  try {
    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    while (r.hasMore()) {
      const tag = r.readTag();
      if (tag >>> 3 === 1) {
        const index = resourceSpans.length;
        try {
          resourceSpans.push(decodeResourceSpans(r, tag, index, rejections));
        } catch (error) {
          rethrowWithin(error, `resourceSpans[${index}]`);
        }
      } else {
        r.skip(tag);
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

// ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
function decodeResourceSpans(r: ProtobufReader, tag: number, index: number, rejections: SpanRejections): ResourceSpans {
  const outer = r.enter(tag);
  const resource: Resource = emptyResource();
  const scopeSpans: ScopeSpans[] = [];
  let schemaUrl = '';
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        try {
          decodeResourceInto(r, t, resource);
        } catch (error) {
          rethrowWithin(error, 'resource');
        }
        break;
      case 2: {
        const scopeIndex = scopeSpans.length;
        try {
          scopeSpans.push(decodeScopeSpans(r, t, index, scopeIndex, rejections));
        } catch (error) {
          rethrowWithin(error, `scopeSpans[${scopeIndex}]`);
        }
        break;
      }
      case 3:
        schemaUrl = r.string(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { resource, serviceName: serviceNameOf(resource.attributes), schemaUrl, scopeSpans };
}

// ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
function decodeScopeSpans(
  r: ProtobufReader,
  tag: number,
  resourceIndex: number,
  scopeIndex: number,
  rejections: SpanRejections,
): ScopeSpans {
  const outer = r.enter(tag);
  const scope: InstrumentationScope = emptyScope();
  const spans: Span[] = [];
  let schemaUrl = '';
  let spanIndex = 0;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        try {
          decodeScopeInto(r, t, scope);
        } catch (error) {
          rethrowWithin(error, 'scope');
        }
        break;
      case 2: {
        let span: Span;
        const repairs = textRepairs.count;
        try {
          span = decodeSpan(r, t);
        } catch (error) {
          rethrowWithin(error, `spans[${spanIndex}]`);
        }
        if (admitSpan(span, rejections, resourceIndex, scopeIndex, spanIndex, undefined, textRepairs.count !== repairs)) spans.push(span);
        spanIndex++;
        break;
      }
      case 3:
        schemaUrl = r.string(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { scope, schemaUrl, spans };
}

// Span: see trace.proto; the field number is in each case label.
function decodeSpan(r: ProtobufReader, tag: number): Span {
  const outer = r.enter(tag);
  const span = emptySpan();
  let unusableLinks = 0;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1: // bytes trace_id
        span.traceId = r.hex(t);
        break;
      case 2: // bytes span_id
        span.spanId = r.hex(t);
        break;
      case 3: // string trace_state
        span.traceState = r.string(t);
        break;
      case 4: // bytes parent_span_id
        span.parentSpanId = r.hex(t);
        break;
      case 5: // string name
        span.name = r.repeatedString(t);
        break;
      case 6: // SpanKind kind
        span.kind = spanKindOf(r.int32(t));
        break;
      case 7: // fixed64 start_time_unix_nano
        span.startNs = r.fixed64(t);
        break;
      case 8: // fixed64 end_time_unix_nano
        span.endNs = r.fixed64(t);
        break;
      case 9: // repeated KeyValue attributes
        try {
          decodeKeyValueInto(r, t, span.attributes, 0);
        } catch (error) {
          rethrowWithin(error, 'attributes');
        }
        break;
      case 10: // uint32 dropped_attributes_count
        span.droppedAttributesCount = r.uint32(t);
        break;
      case 11: // repeated Event events
        try {
          span.events.push(decodeEvent(r, t));
        } catch (error) {
          rethrowWithin(error, `events[${span.events.length}]`);
        }
        break;
      case 12: // uint32 dropped_events_count
        span.droppedEventsCount = r.uint32(t);
        break;
      case 13: {
        // repeated Link links
        let link: SpanLink;
        try {
          link = decodeLink(r, t);
        } catch (error) {
          rethrowWithin(error, `links[${span.links.length}]`);
        }
        if (isUsableLink(link)) span.links.push(link);
        else unusableLinks++;
        break;
      }
      case 14: // uint32 dropped_links_count
        span.droppedLinksCount = r.uint32(t);
        break;
      case 15: // Status status
        try {
          decodeStatusInto(r, t, span);
        } catch (error) {
          rethrowWithin(error, 'status');
        }
        break;
      case 16: // fixed32 flags
        span.flags = r.fixed32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  span.droppedLinksCount += unusableLinks;
  return span;
}

// Span.Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3;
//              uint32 dropped_attributes_count = 4; }
function decodeEvent(r: ProtobufReader, tag: number): SpanEvent {
  const outer = r.enter(tag);
  const event: SpanEvent = { timeNs: 0n, name: '', attributes: {}, droppedAttributesCount: 0 };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        event.timeNs = r.fixed64(t);
        break;
      case 2:
        event.name = r.repeatedString(t);
        break;
      case 3:
        decodeKeyValueInto(r, t, event.attributes, 0);
        break;
      case 4:
        event.droppedAttributesCount = r.uint32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return event;
}

// Span.Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3;
//             repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
function decodeLink(r: ProtobufReader, tag: number): SpanLink {
  const outer = r.enter(tag);
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        link.traceId = r.hex(t);
        break;
      case 2:
        link.spanId = r.hex(t);
        break;
      case 3:
        link.traceState = r.string(t);
        break;
      case 4:
        decodeKeyValueInto(r, t, link.attributes, 0);
        break;
      case 5:
        link.droppedAttributesCount = r.uint32(t);
        break;
      case 6:
        link.flags = r.fixed32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return link;
}

// Status { reserved 1; string message = 2; StatusCode code = 3; }
function decodeStatusInto(r: ProtobufReader, tag: number, span: Span): void {
  const outer = r.enter(tag);
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 2:
        span.statusMessage = r.string(t);
        break;
      case 3:
        span.statusCode = statusCodeOf(r.int32(t));
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
}
