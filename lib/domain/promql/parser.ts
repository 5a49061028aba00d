// PromQL text → our typed AST (ast.ts), using Prometheus's own lezer grammar for the syntax and
// Prometheus's parser checks (promql/parser/parse.go `checkAST`) for the types. Syntax and type errors
// are PromQLParseError with Prometheus's shape (`1:5: parse error: …`); valid PromQL we do not evaluate
// is PromQLUnsupportedError ("unsupported: <feature>").
import { parser as lezer } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { LabelMatcher, MatchType } from '../metrics/types';
import {
  COMPARISON_OPS,
  SET_OPS,
  documentedType,
  typeOf,
  type AggregateOp,
  type AtModifier,
  type BinaryOp,
  type Expr,
  type VectorMatching,
  type VectorSelector,
} from './ast';
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions-signatures';
import { RegexError, anchoredRegex } from './regex';
import { goQuote, isValidLabelName, parseDurationMs, parseNumber, unquoteString } from './lexical';

export { goQuote, isValidLabelName, parseDurationMs, parseNumber, unquoteString };

export interface ParsePosition {
  /** 0-based character offset. */
  offset: number;
  /** 1-based line and column. */
  line: number;
  column: number;
}

export class PromQLParseError extends Error {
  readonly position: ParsePosition;
  readonly detail: string;
  constructor(text: string, offset: number, detail: string) {
    const position = positionOf(text, offset);
    super(`${position.line}:${position.column}: parse error: ${detail}`);
    this.name = 'PromQLParseError';
    this.position = position;
    this.detail = detail;
  }
}

export class PromQLUnsupportedError extends Error {
  readonly feature: string;
  constructor(feature: string) {
    super(`unsupported: ${feature}`);
    this.name = 'PromQLUnsupportedError';
    this.feature = feature;
  }
}

function positionOf(text: string, offset: number): ParsePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** A sentinel error carrying an offset, turned into PromQLParseError at the top. */
class Fail extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const AGGREGATE_OPS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'limitk',
  'limit_ratio',
]);

const BINARY_NODE_OPS: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/** Parses and type-checks a PromQL expression. */
export function parsePromQL(text: string): Expr {
  if (text.trim() === '') throw new PromQLParseError(text, 0, 'no expression found in input');
  const tree = lezer.parse(text);
  let errorAt = -1;
  tree.iterate({
    enter(n) {
      if (errorAt >= 0) return false;
      if (n.type.isError) {
        errorAt = n.from;
        return false;
      }
      return undefined;
    },
  });
  if (errorAt >= 0 && text[errorAt] === '.' && /[0-9]/.test(text[errorAt - 1] ?? '') && !/[0-9]/.test(text[errorAt + 1] ?? '')) {
    // Go accepts a trailing dot in a number ("2."); the lezer tokenizer does not.
    return parsePromQL(text.slice(0, errorAt) + ' ' + text.slice(errorAt + 1));
  }
  if (errorAt >= 0 && text[errorAt] === '(') {
    // An identifier the grammar does not know as a function, followed by a call.
    const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(0, errorAt));
    if (name) {
      if (name[1] === 'min_of' || name[1] === 'max_of') throw new PromQLUnsupportedError(`function ${JSON.stringify(name[1])}`);
      throw new PromQLParseError(text, name.index, `unknown function with name ${JSON.stringify(name[1])}`);
    }
  }
  if (errorAt >= 0) {
    const rest = text.slice(errorAt).trimStart();
    const detail = rest === '' ? 'unexpected end of input' : `unexpected ${describeToken(rest)}`;
    throw new PromQLParseError(text, errorAt, detail);
  }
  const top = tree.topNode.firstChild;
  if (!top) throw new PromQLParseError(text, 0, 'no expression found in input');
  try {
    const expr = new Converter(text).expr(top);
    return expr;
  } catch (err) {
    if (err instanceof Fail) throw new PromQLParseError(text, err.offset, err.message);
    throw err;
  }
}

function describeToken(rest: string): string {
  const m = /^([A-Za-z_:][A-Za-z0-9_:]*|[0-9.]+|\S)/.exec(rest);
  const tok = m ? m[1]! : rest[0]!;
  if (/^[A-Za-z_:]/.test(tok)) return `identifier ${JSON.stringify(tok)}`;
  if (/^[0-9.]/.test(tok)) return `number ${JSON.stringify(tok)}`;
  return `character: ${JSON.stringify(tok)}`;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

class Converter {
  constructor(private readonly text: string) {}

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  expr(n: SyntaxNode): Expr {
    const e = this.convert(n);
    return e;
  }

  private convert(n: SyntaxNode): Expr {
    switch (n.name) {
      case 'ParenExpr':
        return { type: 'Paren', expr: this.convert(n.firstChild!) };
      case 'NumberDurationLiteral':
        return { type: 'NumberLiteral', value: this.number(n) };
      case 'StringLiteral':
        return { type: 'StringLiteral', value: this.string(n) };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
        return this.matrixSelector(n);
      case 'SubqueryExpr':
        return this.subquery(n);
      case 'OffsetExpr':
        return this.offset(n);
      case 'StepInvariantExpr':
        return this.at(n);
      case 'UnaryExpr':
        return this.unary(n);
      case 'BinaryExpr':
        return this.binary(n);
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'AnchoredExpr':
        throw new PromQLUnsupportedError('anchored modifier');
      case 'SmoothedExpr':
        throw new PromQLUnsupportedError('smoothed modifier');
      default:
        throw new Fail(n.from, `unexpected ${n.name}`);
    }
  }

  private number(n: SyntaxNode): number {
    try {
      return parseNumber(this.src(n));
    } catch (err) {
      throw new Fail(n.from, (err as Error).message);
    }
  }

  private string(n: SyntaxNode): string {
    try {
      return unquoteString(this.src(n));
    } catch (err) {
      throw new Fail(n.from, (err as Error).message);
    }
  }

  private duration(n: SyntaxNode, what: string): number {
    // DurationExpr / OffsetDurationExpr: a literal, or a unary sign (offset only); arithmetic is experimental.
    const kids = childrenOf(n);
    if (kids.length === 1 && kids[0]!.name === 'NumberDurationLiteralInDurationContext') {
      const raw = this.src(kids[0]!);
      const d = parseDurationMs(raw);
      if (d !== null) return d;
      const secs = Number(raw.replace(/_/g, ''));
      if (!Number.isFinite(secs)) throw new Fail(n.from, `invalid ${what} duration ${JSON.stringify(raw)}`);
      return Math.round(secs * 1000);
    }
    if (kids.length === 2 && kids[0]!.name === 'UnaryOp' && n.name === 'OffsetDurationExpr') {
      const inner = this.duration(kids[1]!, what);
      return this.src(kids[0]!) === '-' ? -inner : inner;
    }
    if (kids.length === 1 && kids[0]!.name === 'DurationExpr') return this.duration(kids[0]!, what);
    throw new PromQLUnsupportedError('duration expressions');
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    let name: string | null = null;
    const matchers: LabelMatcher[] = [];
    for (const c of childrenOf(n)) {
      if (c.name === 'Identifier') name = this.src(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of childrenOf(c)) matchers.push(this.matcher(m));
      }
    }
    const fromBraces = matchers.filter((m) => m.name === '__name__');
    if (name !== null) {
      if (fromBraces.length > 0) throw new Fail(n.from, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(fromBraces[0]!.value)}`);
      matchers.unshift({ name: '__name__', type: '=', value: name });
    }
    if (matchers.every(matchesEmpty)) {
      // Every matcher matches the empty string: Prometheus refuses to select everything.
      throw new Fail(n.from, 'vector selector must contain at least one non-empty matcher');
    }
    return { type: 'VectorSelector', name, matchers, offsetMs: 0, at: null, pos: n.from };
  }

  private matcher(n: SyntaxNode): LabelMatcher {
    const kids = childrenOf(n);
    if (n.name === 'QuotedLabelName') {
      return { name: '__name__', type: '=', value: this.string(kids[0]!) };
    }
    const [nameNode, opNode, valueNode] = kids;
    if (!nameNode || !opNode || !valueNode) throw new Fail(n.from, 'unexpected label matcher');
    const name = n.name === 'QuotedLabelMatcher' ? this.string(nameNode.firstChild!) : this.src(nameNode);
    const type = MATCH_OPS[opNode.firstChild?.name ?? ''];
    if (!type) throw new Fail(opNode.from, `unexpected label matching operator ${JSON.stringify(this.src(opNode))}`);
    const value = this.string(valueNode);
    if (type === '=~' || type === '!~') {
      try {
        anchoredRegex(value);
      } catch (err) {
        if (err instanceof RegexError) throw new Fail(valueNode.from, err.message);
        throw err;
      }
    }
    return { name, type, value };
  }

  private matrixSelector(n: SyntaxNode): Expr {
    const [inner, dur] = childrenOf(n);
    const vector = this.convert(inner!);
    if (vector.type !== 'VectorSelector') throw new Fail(n.from, 'ranges only allowed for vector selectors');
    if (vector.offsetMs !== 0 || vector.at) throw new Fail(n.from, 'no offset or @ modifiers allowed before range');
    const rangeMs = this.duration(dur!, 'range');
    if (rangeMs <= 0) throw new Fail(dur!.from, 'range must be greater than 0');
    return { type: 'MatrixSelector', vector, rangeMs };
  }

  private subquery(n: SyntaxNode): Expr {
    const kids = childrenOf(n);
    const expr = this.convert(kids[0]!);
    const t = typeOf(expr);
    if (t !== 'vector') throw new Fail(n.from, `subquery is only allowed on instant vector, got ${documentedType(t)} instead`);
    const rangeMs = this.duration(kids[1]!, 'range');
    const stepMs = kids[2] ? this.duration(kids[2], 'step') : 0;
    if (rangeMs <= 0) throw new Fail(kids[1]!.from, 'range must be greater than 0');
    if (kids[2] && stepMs <= 0) throw new Fail(kids[2].from, 'step must be greater than 0');
    return { type: 'Subquery', expr, rangeMs, stepMs, offsetMs: 0, at: null };
  }

  /**
   * The selector or subquery an offset / @ modifier applies to. The lezer grammar gives the modifier
   * no precedence, so `a or b offset 5m` and `-a @ 10` arrive with the modifier around the whole
   * binary/unary expression; Prometheus binds it to the operand it follows (the rightmost one).
   */
  private modifiable(e: Expr, from: number, what: string): VectorSelector | Extract<Expr, { type: 'Subquery' }> {
    if (e.type === 'VectorSelector' || e.type === 'Subquery') return e;
    if (e.type === 'MatrixSelector') return e.vector;
    if (e.type === 'Binary') return this.modifiable(e.rhs, from, what);
    if (e.type === 'Unary') return this.modifiable(e.expr, from, what);
    throw new Fail(from, `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
  }

  private offset(n: SyntaxNode): Expr {
    const kids = childrenOf(n);
    const e = this.convert(kids[0]!);
    const target = this.modifiable(e, n.from, 'offset');
    if (target.offsetMs !== 0) throw new Fail(n.from, 'offset may not be set multiple times');
    target.offsetMs = this.duration(kids[2]!, 'offset');
    return e;
  }

  private at(n: SyntaxNode): Expr {
    const kids = childrenOf(n);
    const e = this.convert(kids[0]!);
    const target = this.modifiable(e, n.from, '@');
    if (target.at) throw new Fail(n.from, '@ <timestamp> may not be set multiple times');
    const arg = kids[2]!;
    let at: AtModifier;
    if (arg.name === 'AtModifierPreprocessors') at = { kind: arg.firstChild?.name === 'AtEnd' ? 'end' : 'start' };
    else {
      const secs = this.number(arg);
      if (!Number.isFinite(secs)) throw new Fail(arg.from, 'timestamp out of bounds for @ modifier');
      at = { kind: 'time', ms: Math.round(secs * 1000) };
    }
    target.at = at;
    return e;
  }

  private unary(n: SyntaxNode): Expr {
    const [opNode, inner] = childrenOf(n);
    const expr = this.convert(inner!);
    const t = typeOf(expr);
    if (t !== 'scalar' && t !== 'vector') throw new Fail(n.from, `unary expression only allowed on expressions of type scalar or instant vector, got ${documentedType(t)}`);
    const op = this.src(opNode!) === '-' ? '-' : '+';
    if (expr.type === 'NumberLiteral') return { type: 'NumberLiteral', value: op === '-' ? -expr.value : expr.value };
    return { type: 'Unary', op, expr };
  }

  private grouping(n: SyntaxNode): string[] {
    const labels: string[] = [];
    for (const c of childrenOf(n)) {
      const name = c.name === 'QuotedLabelName' ? this.string(c.firstChild!) : this.src(c);
      if (!isValidLabelName(name)) throw new Fail(c.from, `invalid label name ${goQuote(name)}`);
      labels.push(name);
    }
    return labels;
  }

  private binary(n: SyntaxNode): Expr {
    const kids = childrenOf(n);
    const lhs = this.convert(kids[0]!);
    const rhs = this.convert(kids[kids.length - 1]!);
    const opNode = kids[1]!;
    const op = BINARY_NODE_OPS[opNode.name];
    if (!op) throw new PromQLUnsupportedError(`binary operator ${this.src(opNode)}`);
    let returnBool = false;
    let matching: VectorMatching | null = null;
    let sawMatching = false;
    for (const c of kids.slice(2, -1)) {
      if (c.name === 'BoolModifier') returnBool = true;
      else if (c.name === 'FillModifier') throw new PromQLUnsupportedError('fill modifiers');
      else if (c.name === 'MatchingModifierClause') {
        sawMatching = true;
        const parts = childrenOf(c);
        const on = parts[0]!.name === 'On';
        const labels = this.grouping(parts[1]!);
        let card: VectorMatching['card'] = SET_OPS.has(op) ? 'many-to-many' : 'one-to-one';
        let include: string[] = [];
        const g = parts[2];
        if (g) {
          if (SET_OPS.has(op)) throw new Fail(g.from, `no grouping allowed for "${op}" operation`);
          card = g.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          if (parts[3]) include = this.grouping(parts[3]);
          if (on) {
            for (const l of include) {
              if (labels.includes(l)) throw new Fail(g.from, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
            }
          }
        }
        matching = { card, on, labels, include };
      }
    }
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [t, side] of [
      [lt, kids[0]!],
      [rt, kids[kids.length - 1]!],
    ] as const) {
      if (t !== 'scalar' && t !== 'vector') throw new Fail(side.from, 'binary expression must contain only scalar and instant vector types');
    }
    const isComparison = COMPARISON_OPS.has(op);
    if (returnBool && !isComparison) throw new Fail(opNode.from, 'bool modifier can only be used on comparison operators');
    if (isComparison && lt === 'scalar' && rt === 'scalar' && !returnBool) throw new Fail(opNode.from, 'comparisons between scalars must use BOOL modifier');
    if (SET_OPS.has(op)) {
      if (lt === 'scalar' || rt === 'scalar') throw new Fail(opNode.from, `set operator "${op}" not allowed in binary scalar expression`);
    }
    if (sawMatching && (lt !== 'vector' || rt !== 'vector')) throw new Fail(opNode.from, 'vector matching only allowed between instant vectors');
    if (lt === 'vector' && rt === 'vector' && !matching) {
      matching = { card: SET_OPS.has(op) ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
    }
    if (lt !== 'vector' || rt !== 'vector') matching = null;
    return { type: 'Binary', op, lhs, rhs, returnBool, matching };
  }

  private args(body: SyntaxNode): Expr[] {
    return childrenOf(body).map((c) => this.convert(c));
  }

  private call(n: SyntaxNode): Expr {
    const [idNode, body] = childrenOf(n);
    const func = this.src(idNode!);
    if (UNSUPPORTED_FUNCTIONS.has(func)) throw new PromQLUnsupportedError(`function ${JSON.stringify(func)}`);
    const sig = FUNCTIONS[func];
    if (!sig) throw new Fail(n.from, `unknown function with name ${JSON.stringify(func)}`);
    const args = this.args(body!);
    if (sig.maxArgs === sig.args.length && args.length !== sig.args.length) {
      throw new Fail(n.from, `expected ${sig.args.length} argument(s) in call to ${JSON.stringify(func)}, got ${args.length}`);
    }
    if (args.length < sig.args.length) throw new Fail(n.from, `expected at least ${sig.args.length} argument(s) in call to ${JSON.stringify(func)}, got ${args.length}`);
    if (args.length > sig.maxArgs) throw new Fail(n.from, `expected at most ${sig.maxArgs} argument(s) in call to ${JSON.stringify(func)}, got ${args.length}`);
    const argNodes = childrenOf(body!);
    args.forEach((a, i) => {
      const want = i < sig.args.length ? sig.args[i]! : sig.optional!;
      const got = typeOf(a);
      if (got !== want) {
        throw new Fail(argNodes[i]!.from, `expected type ${documentedType(want)} in call to function ${JSON.stringify(func)}, got ${documentedType(got)}`);
      }
    });
    return { type: 'Call', func, args };
  }

  private aggregate(n: SyntaxNode): Expr {
    const kids = childrenOf(n);
    const op = this.src(kids[0]!).toLowerCase() as AggregateOp;
    if (!AGGREGATE_OPS.has(op)) throw new PromQLUnsupportedError(`aggregation ${op}`);
    let grouping: string[] = [];
    let without = false;
    let body: SyntaxNode | null = null;
    for (const c of kids.slice(1)) {
      if (c.name === 'AggregateModifier') {
        const [kind, labels] = childrenOf(c);
        without = kind!.name === 'Without';
        grouping = this.grouping(labels!);
      } else if (c.name === 'FunctionCallBody') body = c;
    }
    const args = this.args(body!);
    const hasParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values' || op === 'limitk' || op === 'limit_ratio';
    const want = hasParam ? 2 : 1;
    if (args.length !== want) throw new Fail(n.from, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    const expr = args[args.length - 1]!;
    const param = hasParam ? args[0]! : null;
    if (typeOf(expr) !== 'vector') throw new Fail(n.from, `expected type instant vector in aggregation expression, got ${documentedType(typeOf(expr))}`);
    if (param) {
      const pt = typeOf(param);
      const wantParam = op === 'count_values' ? 'string' : 'scalar';
      if (pt !== wantParam) throw new Fail(n.from, `expected type ${documentedType(wantParam)} in aggregation parameter, got ${documentedType(pt)}`);
    }
    return { type: 'Aggregate', op, expr, param, grouping, without };
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchoredRegex(m.value).test('');
    case '!~':
      return !anchoredRegex(m.value).test('');
  }
}

/**
 * A series selector as the HTTP API's `match[]` takes it (`up`, `{job="api"}`, `x{a=~"b.*"}`): its
 * label matchers. Anything other than a plain instant-vector selector is a PromQLParseError.
 */
export function parseSeriesSelector(text: string): LabelMatcher[] {
  const e = parsePromQL(text);
  if (e.type !== 'VectorSelector' || e.offsetMs !== 0 || e.at) {
    throw new PromQLParseError(text, 0, 'expected a vector selector (e.g. up or {job="api"}) in match[]');
  }
  return e.matchers;
}
