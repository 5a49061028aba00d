// The JSON shapes of a span's events and links as stored in the `spans.events` / `spans.links`
// jsonb columns. One codec shared by the collector (writes) and the query side (reads) so the
// two can never drift. Empty/zero fields are omitted to keep rows small on disk.
import type { Attributes, Nanos, SpanEvent, SpanLink } from './model';

export interface StoredEvent {
  /** Absolute Unix nanoseconds as a decimal string: a double cannot hold them exactly. */
  time_ns: string;
  name: string;
  attributes?: Attributes;
  dropped_attributes_count?: number;
}

export interface StoredLink {
  trace_id: string;
  span_id: string;
  trace_state?: string;
  attributes?: Attributes;
  dropped_attributes_count?: number;
  flags?: number;
}

function hasKeys(attributes: Attributes): boolean {
  for (const _ in attributes) return true;
  return false;
}

export function toStoredEvents(events: readonly SpanEvent[]): StoredEvent[] | null {
  if (events.length === 0) return null;
  return events.map((event) => {
    const stored: StoredEvent = { time_ns: event.timeNs.toString(), name: event.name };
    if (hasKeys(event.attributes)) stored.attributes = event.attributes;
    if (event.droppedAttributesCount) stored.dropped_attributes_count = event.droppedAttributesCount;
    return stored;
  });
}

export function toStoredLinks(links: readonly SpanLink[]): StoredLink[] | null {
  if (links.length === 0) return null;
  return links.map((link) => {
    const stored: StoredLink = { trace_id: link.traceId, span_id: link.spanId };
    if (link.traceState) stored.trace_state = link.traceState;
    if (hasKeys(link.attributes)) stored.attributes = link.attributes;
    if (link.droppedAttributesCount) stored.dropped_attributes_count = link.droppedAttributesCount;
    if (link.flags) stored.flags = link.flags;
    return stored;
  });
}

export function fromStoredEvents(stored: readonly StoredEvent[] | null | undefined): SpanEvent[] {
  if (!stored) return [];
  return stored.map((event) => ({
    timeNs: BigInt(event.time_ns) as Nanos,
    name: event.name,
    attributes: event.attributes ?? {},
    droppedAttributesCount: event.dropped_attributes_count ?? 0,
  }));
}

export function fromStoredLinks(stored: readonly StoredLink[] | null | undefined): SpanLink[] {
  if (!stored) return [];
  return stored.map((link) => ({
    traceId: link.trace_id,
    spanId: link.span_id,
    traceState: link.trace_state ?? '',
    attributes: link.attributes ?? {},
    droppedAttributesCount: link.dropped_attributes_count ?? 0,
    flags: link.flags ?? 0,
  }));
}
