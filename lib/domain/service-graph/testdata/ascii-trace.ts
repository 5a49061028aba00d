// Golden fixtures of the service graph are drawn, not listed: a trace is a tree of lines, one span
// each, indented under its parent, and the expected edges are lines too. This turns a drawing into
// a TraceBatch and edges into comparable lines.
//
//   trace A
//   frontend@prod  SERVER    "GET /checkout"  0-100
//   ├─ frontend    CLIENT    "POST /pay"      10-60  peer.service=payments  #pay
//   │  └─ payments SERVER    "POST /pay"      15-55  !
//   └─ frontend    CLIENT    "SELECT"         70-80  db.system.name=postgresql db.namespace=shop
//
// Per span: service (`@env` sets the resource's deployment.environment.name, once per service),
// kind, name in quotes, start-end in milliseconds, then in any order: `!` (status ERROR),
// `key=value` attributes (numbers stay numbers), `#label` (names the span), `~>#label` (a link to a
// labelled span, in any trace), `orphan` (the span has a parent that was never received). The parent is the nearest line above with less indentation, in the
// same `trace` block; lines at the block's left edge are roots. `|` between blocks are comments.
import { createHash } from 'node:crypto';
import { emptySpan, SpanKind, StatusCode, type Attributes, type ResourceSpans, type Span, type TraceBatch } from '../../model';
import { nodeId, type EdgeObservation } from '../types';

/** 2026-11-21T00:00:00Z, the fixtures' time zero. */
export const T0_MS = Date.UTC(2026, 10, 21);

const hex = (seed: string, bytes: number) => createHash('sha256').update(seed).digest('hex').slice(0, bytes * 2);

interface PendingLink {
  span: Span;
  label: string;
}

export function parseAsciiTrace(drawing: string): TraceBatch {
  const resources = new Map<string, ResourceSpans>();
  const environments = new Map<string, string>();
  const labels = new Map<string, Span>();
  const links: PendingLink[] = [];
  let traceName = 'A';
  let stack: Array<{ indent: number; span: Span }> = [];
  let count = 0;

  for (const raw of drawing.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '' || line.trim().startsWith('|')) continue;
    const block = /^\s*trace\s+(\S+)$/.exec(line);
    if (block) {
      traceName = block[1]!;
      stack = [];
      continue;
    }
    const indent = line.search(/[A-Za-z0-9_]/);
    const body = line.slice(indent);
    const match = /^(\S+)\s+(SERVER|CLIENT|PRODUCER|CONSUMER|INTERNAL)\s+"([^"]*)"\s+(\d+)-(\d+)(.*)$/.exec(body);
    if (!match) throw new Error(`cannot read span line: ${line}`);
    const [, serviceToken, kindName, name, start, end, rest] = match as unknown as [string, string, string, string, string, string, string];
    const [service, environment] = serviceToken.split('@') as [string, string | undefined];
    if (environment !== undefined) environments.set(service, environment);
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]?.span;
    const traceId = hex(`trace-${traceName}`, 16);
    const attributes: Attributes = {};
    let error = false;
    let label: string | undefined;
    let orphan = false;
    const linkLabels: string[] = [];
    for (const token of rest.trim().split(/\s+/).filter(Boolean)) {
      if (token === '!') error = true;
      else if (token === 'orphan') orphan = true;
      else if (token.startsWith('~>#')) linkLabels.push(token.slice(3));
      else if (token.startsWith('#')) label = token.slice(1);
      else if (token.includes('=')) {
        const [key, value] = [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)];
        attributes[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value === 'true' ? true : value;
      } else throw new Error(`unknown token ${token} in: ${line}`);
    }
    const span: Span = {
      ...emptySpan(),
      traceId,
      spanId: hex(`span-${traceName}-${count++}`, 8),
      parentSpanId: orphan ? hex(`never-received-${count}`, 8) : (parent?.spanId ?? ''),
      flags: 1,
      name,
      kind: SpanKind[kindName as keyof typeof SpanKind],
      startNs: BigInt(T0_MS + Number(start)) * 1_000_000n,
      endNs: BigInt(T0_MS + Number(end)) * 1_000_000n,
      attributes,
      statusCode: error ? StatusCode.ERROR : StatusCode.UNSET,
    };
    if (label) labels.set(label, span);
    for (const l of linkLabels) links.push({ span, label: l });
    stack.push({ indent, span });
    let rs = resources.get(service);
    if (!rs) {
      rs = { resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 }, serviceName: service, schemaUrl: '', scopeSpans: [] };
      rs.scopeSpans.push({ scope: { name: 'fixture', version: '', attributes: {} }, schemaUrl: '', spans: [] });
      resources.set(service, rs);
    }
    rs.scopeSpans[0]!.spans.push(span);
  }
  for (const { span, label } of links) {
    const target = labels.get(label);
    if (!target) throw new Error(`no span labelled #${label}`);
    span.links.push({ traceId: target.traceId, spanId: target.spanId, traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 });
  }
  for (const [service, environment] of environments) {
    resources.get(service)!.resource.attributes['deployment.environment.name'] = environment;
  }
  const resourceSpans = [...resources.values()];
  const spanCount = resourceSpans.reduce((n, rs) => n + rs.scopeSpans[0]!.spans.length, 0);
  return { resourceSpans, spanCount, rejectedSpans: 0, rejectionMessage: '' };
}

/**
 * An edge as a golden line: `service:frontend ─request→ service:payments  10ms !  [prod]`
 * (latency, `!` when failed, the environment when set).
 */
export function edgeLine(e: EdgeObservation): string {
  const latency = e.latencyUs === undefined ? '-' : `${e.latencyUs / 1000}ms`;
  return `${nodeId(e.source)} ─${e.connectionType}→ ${nodeId(e.target)}  ${latency}${e.error ? ' !' : ''}${e.environment ? `  [${e.environment}]` : ''}`;
}

/** Spans in a rotated order: halves of an edge arrive in every order the pairer must handle. */
export function rotateSpans(batch: TraceBatch, by: number): TraceBatch {
  const all = batch.resourceSpans.flatMap((rs) => rs.scopeSpans[0]!.spans.map((span) => ({ rs, span })));
  const rotated = [...all.slice(by % all.length), ...all.slice(0, by % all.length)];
  // One ResourceSpans per span keeps each span's own resource while changing the order.
  return {
    ...batch,
    resourceSpans: rotated.map(({ rs, span }) => ({ ...rs, scopeSpans: [{ ...rs.scopeSpans[0]!, spans: [span] }] })),
  };
}
