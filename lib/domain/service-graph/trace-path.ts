// The path one trace took across the service graph: the same derivation the collector runs at
// ingest (edge-deriver.ts), run over a single stored trace, so highlighting a trace on the map
// lights exactly the nodes and edges its spans counted toward.
import type { ResourceSpans } from '../model';
import type { Trace } from '../trace';
import { deriveEdges } from './edge-deriver';
import { edgeId, nodeId, serviceNode, type EdgeObservation, type NodeRef } from './types';

export interface TracePath {
  nodes: string[];
  edges: string[];
}

export function tracePath(trace: Trace): TracePath {
  // One ResourceSpans per distinct resource, as the spans were exported.
  const byResource = new Map<string, ResourceSpans>();
  for (const span of trace.spans) {
    let rs = byResource.get(span.resource.id);
    if (!rs) {
      rs = {
        resource: { attributes: span.resource.attributes, droppedAttributesCount: span.resource.droppedAttributesCount },
        serviceName: span.resource.serviceName,
        schemaUrl: span.resource.schemaUrl,
        scopeSpans: [{ scope: { name: '', version: '', attributes: {} }, schemaUrl: '', spans: [] }],
      };
      byResource.set(span.resource.id, rs);
    }
    rs.scopeSpans[0]!.spans.push(span);
  }
  const resourceSpans = [...byResource.values()];
  const { edges, operations } = deriveEdges({ resourceSpans, spanCount: trace.spans.length, rejectedSpans: 0, rejectionMessage: '' });
  const services = new Set(resourceSpans.map((rs) => rs.serviceName));
  const canonical = (ref: NodeRef) => (ref.kind === 'external' && services.has(ref.name) ? serviceNode(ref.name) : ref);
  const nodes = new Set<string>(operations.map((o) => nodeId(serviceNode(o.service))));
  const edgeIds = new Set<string>();
  for (const e of edges as EdgeObservation[]) {
    const source = canonical(e.source);
    const target = canonical(e.target);
    nodes.add(nodeId(source));
    nodes.add(nodeId(target));
    const type = e.connectionType === 'virtual' && target.kind === 'service' ? 'request' : e.connectionType;
    edgeIds.add(edgeId(nodeId(source), nodeId(target), type));
  }
  return { nodes: [...nodes].sort(), edges: [...edgeIds].sort() };
}
