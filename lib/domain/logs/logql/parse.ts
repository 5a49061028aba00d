// LogQL text → the typed tree in ast.ts, using Grafana's own LogQL grammar (@grafana/lezer-logql)
// for the syntax. Anything the grammar accepts but Meshlight does not evaluate (pattern/regexp/
// unpack parsers, unwrap, label_format, binary operations, quantiles, offsets …) is refused with a
// LogQLError naming it, never silently ignored.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import { LogQLError, type CompareOp, type LabelMatcher, type LabelTest, type LineFilterOp, type LogExpr, type LogQLQuery, type MatchOp, type MetricExpr, type RangeOp, type Stage, type VectorOp } from './ast';

const MAX_QUERY_LENGTH = 10_000;

export function parseLogQL(text: string): LogQLQuery {
  if (text.length > MAX_QUERY_LENGTH) throw new LogQLError(`query is longer than ${MAX_QUERY_LENGTH} characters`);
  const tree = parser.parse(text);
  let error: SyntaxNode | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError && !error) error = node.node;
    },
  });
  if (error) {
    const at = error.from;
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    throw new LogQLError(`parse error at line ${line}, col ${col}: syntax error near ${JSON.stringify(text.slice(at, at + 20) || 'end of query')}`);
  }
  const reader = new Reader(text);
  const expr = only(tree.topNode.getChild('Expr'), 'an expression');
  return reader.expr(expr);
}

function only(node: SyntaxNode | null, what: string): SyntaxNode {
  if (!node) throw new LogQLError(`parse error: expected ${what}`);
  return node;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

const UNSUPPORTED_NAMES: Record<string, string> = {
  Pattern: 'the pattern parser',
  Regexp: 'the regexp parser',
  Unpack: 'the unpack parser',
  UnwrapExpr: 'unwrap',
  LabelFormatExpr: 'label_format',
  DecolorizeExpr: 'decolorize',
  DropLabelsExpr: 'drop',
  KeepLabelsExpr: 'keep',
  IpLabelFilter: 'ip() label filters',
  DurationFilter: 'duration label filters',
  BytesFilter: 'bytes label filters',
  BinOpExpr: 'binary operations',
  LiteralExpr: 'literals',
  LabelReplaceExpr: 'label_replace',
  VectorExpr: 'vector()',
  OffsetExpr: 'offset',
  PipePattern: 'pattern line filters (|>, !>)',
  Ip: 'ip() line filters',
};

export function unsupported(feature: string): LogQLError {
  return new LogQLError(`unsupported LogQL: ${feature} is not supported by Meshlight`);
}

class Reader {
  constructor(private readonly text: string) {}

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private refuseUnsupported(node: SyntaxNode): void {
    const feature = UNSUPPORTED_NAMES[node.name];
    if (feature) throw unsupported(feature);
  }

  expr(node: SyntaxNode): LogQLQuery {
    const log = node.getChild('LogExpr');
    if (log) return { kind: 'log', expr: this.logExpr(log) };
    return { kind: 'metric', expr: this.metric(only(node.getChild('MetricExpr'), 'a log or metric expression')) };
  }

  private logExpr(node: SyntaxNode): LogExpr {
    const selector = this.selector(only(node.getChild('Selector'), 'a stream selector'));
    const pipeline = node.getChild('PipelineExpr');
    return { selector, stages: pipeline ? this.pipeline(pipeline) : [] };
  }

  private selector(node: SyntaxNode): LabelMatcher[] {
    const matchers: LabelMatcher[] = [];
    const walk = (n: SyntaxNode) => {
      for (const child of children(n)) {
        if (child.name === 'Matchers') walk(child);
        else if (child.name === 'Matcher') matchers.push(this.matcher(child));
      }
    };
    walk(node);
    if (matchers.length === 0) throw new LogQLError('parse error: a stream selector needs at least one matcher');
    // An equality value is literal text (`{app="(x"}` is no regex); a regex is checked as one.
    const emptyCompatible = (m: LabelMatcher) => (m.op === '=' ? m.value === '' : m.op === '=~' && compileRegex(m.value, true).test(''));
    if (matchers.every(emptyCompatible)) {
      throw new LogQLError('queries require at least one regexp or equality matcher that does not have an empty-compatible value');
    }
    return matchers;
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const [name, op, value] = children(node);
    const matcher: LabelMatcher = { name: this.src(name!), op: this.src(op!) as MatchOp, value: this.string(value!) };
    if (matcher.op === '=~' || matcher.op === '!~') compileRegex(matcher.value);
    return matcher;
  }

  string(node: SyntaxNode): string {
    const raw = this.src(node);
    if (raw.startsWith('`')) return raw.slice(1, -1);
    try {
      return JSON.parse(raw.replace(/\\([^"\\/bfnrtu])/g, '\\\\$1')) as string;
    } catch {
      throw new LogQLError(`parse error: invalid string ${raw.slice(0, 40)}`);
    }
  }

  private pipeline(node: SyntaxNode): Stage[] {
    const stages: Stage[] = [];
    for (const child of children(node)) {
      if (child.name === 'PipelineExpr') stages.push(...this.pipeline(child));
      else if (child.name === 'PipelineStage') stages.push(...this.stage(child));
    }
    return stages;
  }

  private stage(node: SyntaxNode): Stage[] {
    const lineFilters = node.getChild('LineFilters');
    if (lineFilters) return this.lineFilters(lineFilters);
    for (const child of children(node)) {
      if (child.name === 'Pipe') continue;
      this.refuseUnsupported(child);
      switch (child.name) {
        case 'LabelParser': {
          const kind = child.firstChild?.name;
          if (kind === 'Json') return [{ kind: 'json' }];
          if (kind === 'Logfmt') return [{ kind: 'logfmt' }];
          throw unsupported(UNSUPPORTED_NAMES[kind ?? ''] ?? `the ${this.src(child)} parser`);
        }
        case 'JsonExpressionParser':
          throw unsupported('json with label extraction expressions');
        case 'LogfmtParser':
          if (child.getChild('LogfmtParserFlags')) throw unsupported('logfmt flags');
          return [{ kind: 'logfmt' }];
        case 'LogfmtExpressionParser':
          throw unsupported('logfmt with label extraction expressions');
        case 'LabelFilter':
          return [{ kind: 'labelFilter', test: this.labelTest(child) }];
        case 'LineFormatExpr':
          return [{ kind: 'lineFormat', template: this.string(only(child.getChild('String'), 'a template')) }];
        default:
          throw unsupported(`the pipeline stage ${JSON.stringify(this.src(child).slice(0, 30))}`);
      }
    }
    throw new LogQLError('parse error: empty pipeline stage');
  }

  private lineFilters(node: SyntaxNode): Stage[] {
    const stages: Stage[] = [];
    for (const child of children(node)) {
      if (child.name === 'LineFilters') stages.push(...this.lineFilters(child));
      else if (child.name === 'LineFilter') {
        const filter = only(child.getChild('Filter'), 'a line filter operator');
        const opNode = only(filter.firstChild, 'a line filter operator');
        this.refuseUnsupported(opNode);
        const op = ({ PipeExact: '|=', Neq: '!=', PipeMatch: '|~', Nre: '!~' } as Record<string, LineFilterOp>)[opNode.name];
        if (!op) throw unsupported(`the line filter ${this.src(filter)}`);
        if (child.getChild('Ip')) throw unsupported(UNSUPPORTED_NAMES.Ip!);
        const values: string[] = [];
        const collect = (n: SyntaxNode) => {
          for (const c of children(n)) {
            if (c.name === 'String') values.push(this.string(c));
            else if (c.name === 'OrFilter') collect(c);
          }
        };
        collect(child);
        if (op === '|~' || op === '!~') values.forEach((value) => compileRegex(value));
        stages.push({ kind: 'line', op, values });
      }
    }
    return stages;
  }

  private labelTest(node: SyntaxNode): LabelTest {
    const parts = children(node);
    if (parts.length === 3 && (parts[1]!.name === 'And' || parts[1]!.name === 'Or')) {
      return { kind: parts[1]!.name === 'And' ? 'and' : 'or', left: this.labelTest(parts[0]!), right: this.labelTest(parts[2]!) };
    }
    if (parts.length === 2 && parts[0]!.name === 'LabelFilter' && parts[1]!.name === 'LabelFilter') {
      return { kind: 'and', left: this.labelTest(parts[0]!), right: this.labelTest(parts[1]!) };
    }
    const inner = parts[0];
    if (!inner) throw new LogQLError('parse error: empty label filter');
    this.refuseUnsupported(inner);
    if (inner.name === 'LabelFilter') return this.labelTest(inner);
    if (inner.name === 'Matcher') return { kind: 'match', matcher: this.matcher(inner) };
    if (inner.name === 'UnitFilter') {
      this.refuseUnsupported(only(inner.firstChild, 'a unit filter'));
      throw unsupported('unit label filters');
    }
    if (inner.name === 'NumberFilter') {
      const [name, op, literal] = children(inner);
      const value = Number(this.src(literal!));
      if (!Number.isFinite(value)) throw new LogQLError(`parse error: ${this.src(literal!)} is not a number`);
      const opText = this.src(op!);
      return { kind: 'number', name: this.src(name!), op: (opText === '=' ? '==' : opText) as CompareOp, value };
    }
    throw unsupported(`the label filter ${JSON.stringify(this.src(node).slice(0, 30))}`);
  }

  private metric(node: SyntaxNode): MetricExpr {
    const inner = only(node.firstChild, 'a metric expression');
    this.refuseUnsupported(inner);
    if (inner.name === 'RangeAggregationExpr') {
      const op = this.src(only(inner.getChild('RangeOp'), 'a range function')) as RangeOp;
      if (!['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate'].includes(op)) throw unsupported(`${op}()`);
      if (inner.getChild('Grouping')) throw unsupported(`grouping inside ${op}()`);
      const range = only(inner.getChild('LogRangeExpr'), 'a log range');
      if (range.getChild('OffsetExpr')) throw unsupported('offset');
      if (range.getChild('UnwrapExpr') || range.getChild('PipelineExpr')?.getChild('UnwrapExpr')) throw unsupported('unwrap');
      const rangeNode = only(range.getChild('Range'), 'a [range]');
      const rangeMs = parseDurationMs(this.src(only(rangeNode.getChild('Duration'), 'a duration')));
      const selector = this.selector(only(range.getChild('Selector'), 'a stream selector'));
      const pipeline = range.getChild('PipelineExpr');
      return { kind: 'range', op, rangeMs, log: { selector, stages: pipeline ? this.pipeline(pipeline) : [] } };
    }
    if (inner.name === 'VectorAggregationExpr') {
      const op = this.src(only(inner.getChild('VectorOp'), 'an aggregation')) as VectorOp;
      if (!['sum', 'count', 'avg', 'min', 'max'].includes(op)) throw unsupported(`${op}()`);
      if (inner.getChild('Number')) throw unsupported(`${op}() with a parameter`);
      const groupingNode = inner.getChild('Grouping');
      let grouping: { without: boolean; labels: string[] } | undefined;
      if (groupingNode) {
        const labels = groupingNode.getChild('Labels');
        grouping = {
          without: !!groupingNode.getChild('Without'),
          labels: labels ? labels.getChildren('Identifier').map((n) => this.src(n)) : [],
        };
      }
      return { kind: 'vector', op, grouping, inner: this.metric(only(inner.getChild('MetricExpr'), 'an inner metric expression')) };
    }
    if (inner.name === 'Expr' || inner.name === 'MetricExpr') return this.metric(inner.name === 'Expr' ? only(inner.getChild('MetricExpr'), 'a metric expression') : inner);
    throw unsupported(`the expression ${JSON.stringify(this.src(inner).slice(0, 40))}`);
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** Prometheus-style durations: 500ms, 5m, 1h30m. */
export function parseDurationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new LogQLError(`parse error: invalid duration ${JSON.stringify(text)}`);
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
  if (ms <= 0) throw new LogQLError(`parse error: duration ${text} must be positive`);
  return ms;
}

/** LogQL regexes are RE2 (Go); JavaScript's cover the common subset. Invalid → a LogQLError. */
export function compileRegex(source: string, anchored = false): RegExp {
  try {
    return new RegExp(anchored ? `^(?:${source})$` : source, 'u');
  } catch (error) {
    throw new LogQLError(`invalid regular expression ${JSON.stringify(source)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
