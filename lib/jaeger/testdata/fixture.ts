// Loads a domain-trace fixture (JSON with ns times as strings, resources and scopes by id) into
// the Trace the query side produces, sharing one object per resource and scope as loadTraces does.
import { readFileSync } from 'node:fs';
import type { Attributes, SpanKind, StatusCode } from '../../domain/model';
import type { Trace, TraceResource, TraceScope } from '../../domain/trace';

interface FixtureSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: string;
  endNs: string;
  flags: number;
  traceState: string;
  resource: string;
  scope: string;
  statusCode: number;
  statusMessage: string;
  attributes: Attributes;
  events: { timeNs: string; name: string; attributes: Attributes; droppedAttributesCount: number }[];
  links: Trace['spans'][number]['links'];
}

interface Fixture {
  traceId: string;
  resources: Record<string, Omit<TraceResource, 'id'>>;
  scopes: Record<string, Omit<TraceScope, 'id'>>;
  spans: FixtureSpan[];
}

export function loadTraceFixture(url: URL): Trace {
  const fixture = JSON.parse(readFileSync(url, 'utf8')) as Fixture;
  const resources = new Map(Object.entries(fixture.resources).map(([id, r]) => [id, { id, ...r }]));
  const scopes = new Map(Object.entries(fixture.scopes).map(([id, s]) => [id, { id, ...s }]));
  return {
    traceId: fixture.traceId,
    spans: fixture.spans.map((span) => ({
      traceId: fixture.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      traceState: span.traceState,
      flags: span.flags,
      name: span.name,
      kind: span.kind as SpanKind,
      startNs: BigInt(span.startNs),
      endNs: BigInt(span.endNs),
      attributes: span.attributes,
      droppedAttributesCount: 0,
      events: span.events.map((event) => ({ ...event, timeNs: BigInt(event.timeNs) })),
      droppedEventsCount: 0,
      links: span.links,
      droppedLinksCount: 0,
      statusCode: span.statusCode as StatusCode,
      statusMessage: span.statusMessage,
      resource: resources.get(span.resource)!,
      scope: scopes.get(span.scope)!,
    })),
  };
}
