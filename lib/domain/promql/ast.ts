// PromQL's typed syntax tree: what `parsePromQL` produces from the lezer parse tree and what the
// evaluator walks. Times and durations are integer milliseconds. Mirrors Prometheus's promql/parser AST
// (VectorSelector, MatrixSelector, SubqueryExpr, Call, AggregateExpr, BinaryExpr, …) minus native
// histogram and experimental features.
import type { LabelMatcher } from '../metrics/types';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** `@ <ts>` / `@ start()` / `@ end()`; start/end are resolved against the query range at evaluation. */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export interface VectorSelector {
  type: 'VectorSelector';
  /** The metric name when written before the braces (also present as a `__name__` matcher). */
  name: string | null;
  matchers: LabelMatcher[];
  offsetMs: number;
  at: AtModifier | null;
  /** Position of the selector in the query (0-based char offset), for error messages. */
  pos: number;
}

export interface MatrixSelector {
  type: 'MatrixSelector';
  vector: VectorSelector;
  rangeMs: number;
}

export interface SubqueryExpr {
  type: 'Subquery';
  expr: Expr;
  rangeMs: number;
  /** 0 means the default (the engine's subquery step option). */
  stepMs: number;
  offsetMs: number;
  at: AtModifier | null;
}

export interface NumberLiteral {
  type: 'NumberLiteral';
  value: number;
}

export interface StringLiteral {
  type: 'StringLiteral';
  value: string;
}

export interface Call {
  type: 'Call';
  func: string;
  args: Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'group'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  type: 'Aggregate';
  op: AggregateOp;
  expr: Expr;
  param: Expr | null;
  grouping: string[];
  without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** true for on(...), false for ignoring(...) (or no clause). */
  on: boolean;
  labels: string[];
  /** group_left/group_right extra labels. */
  include: string[];
}

export interface BinaryExpr {
  type: 'Binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Set only when both sides are instant vectors. */
  matching: VectorMatching | null;
}

export interface UnaryExpr {
  type: 'Unary';
  op: '-' | '+';
  expr: Expr;
}

export interface ParenExpr {
  type: 'Paren';
  expr: Expr;
}

export type Expr =
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | StringLiteral
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);

/** The static type of an expression, as Prometheus's parser computes it. */
export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'Subquery':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'Aggregate':
      return 'vector';
    case 'Unary':
    case 'Paren':
      return typeOf(e.expr);
    case 'Binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return FUNCTION_RETURN[e.func] ?? 'vector';
  }
}

const FUNCTION_RETURN: Record<string, ValueType> = {
  time: 'scalar',
  scalar: 'scalar',
  pi: 'scalar',
  start: 'scalar',
  end: 'scalar',
  range: 'scalar',
  step: 'scalar',
};

/** Prometheus's user-facing name of a value type ("instant vector", "range vector", …). */
export function documentedType(t: ValueType): string {
  if (t === 'vector') return 'instant vector';
  if (t === 'matrix') return 'range vector';
  return t;
}
