// A runner for Prometheus's promqltest scripting language (testdata/FORMAT.md): `load`, `clear`,
// `eval instant at`, `eval range from … to … step`, `expect fail|ordered|string|range vector`, over a
// MemoryQueryable. Annotation expectations (warn/info) are ignored. Cases that need native
// histograms (`{{…}}` samples, `load_with_nhcb` histogram series) are reported as skipped.
import { isStaleNaN, staleNaN, type Labels, type Sample } from '../metrics/types';
import { evaluateInstant, evaluateRange, type QueryResult } from './engine';
import { almostEqual, formatMetric, labelsKey } from './labels';
import type { Expr } from './ast';
import { MemoryQueryable, matchesAll } from './memory-queryable';
import { parseDurationMs, parsePromQL, unquoteString } from './parser';

export type CaseStatus = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  line: number;
  query: string;
  status: CaseStatus;
  reason: string;
}

/**
 * A drawn point: a number, `_` (null: no sample) or 'stale' (a staleness marker). The marker stays a
 * string until it is put into a Sample object: V8 canonicalizes NaN payloads in plain double arrays,
 * which would turn the marker into an ordinary NaN.
 */
export type Point = number | null | 'stale';

/** The sample value for a drawn point (the staleness marker NaN for 'stale'). */
export function pointValue(p: number | 'stale'): number {
  return p === 'stale' ? staleNaN() : p;
}

export function parseTime(s: string): number {
  const t = s.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  const d = parseDurationMs(body);
  const ms = d !== null ? d : Math.round(Number(body) * 1000);
  if (Number.isNaN(ms)) throw new Error(`bad time ${JSON.stringify(s)}`);
  return neg ? -ms : ms;
}

function parseValue(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`bad value ${JSON.stringify(s)}`);
  return n;
}

/** Expands promtool series notation (`1+2x3`, `_x2`, `stale`, `5x4`) into points. */
export function expandValues(tokens: string[]): Point[] {
  const out: Point[] = [];
  for (const tok of tokens) {
    const xm = /^(.*)x(\d+)$/.exec(tok);
    if (!xm) {
      out.push(tok === '_' ? null : tok === 'stale' ? 'stale' : parseValue(tok));
      continue;
    }
    const head = xm[1]!;
    const times = Number(xm[2]);
    if (head === '_') {
      for (let i = 0; i < times; i++) out.push(null);
      continue;
    }
    let split = -1;
    for (let i = 1; i < head.length; i++) {
      if ((head[i] === '+' || head[i] === '-') && !/[eE]/.test(head[i - 1]!)) {
        split = i;
        break;
      }
    }
    if (head === 'stale') {
      for (let i = 0; i <= times; i++) out.push('stale');
      continue;
    }
    const start = parseValue(split < 0 ? head : head.slice(0, split));
    const inc = split < 0 ? 0 : parseValue(head.slice(split));
    let v = start;
    for (let i = 0; i <= times; i++) {
      out.push(v);
      v += inc;
    }
  }
  return out;
}

/** Splits `metric{a="b, c"} 1 2 3` into its labels and value tokens. */
export function parseSeriesLine(line: string): { labels: Labels; values: string[] } {
  let i = 0;
  const labels: Record<string, string> = {};
  const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line);
  if (name) {
    labels['__name__'] = name[0];
    i = name[0].length;
  }
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',' || line[i] === '\t') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      if (i >= line.length) throw new Error(`unterminated label set in ${JSON.stringify(line)}`);
      let key: string;
      if (line[i] === '"' || line[i] === "'") {
        const str = readQuoted(line, i);
        key = unquoteString(str);
        i += str.length;
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i));
        if (!m) throw new Error(`bad label name in ${JSON.stringify(line)}`);
        key = m[0];
        i += key.length;
      }
      while (line[i] === ' ') i++;
      if (line[i] !== '=') {
        labels['__name__'] = key;
        continue;
      }
      i++;
      while (line[i] === ' ') i++;
      const str = readQuoted(line, i);
      labels[key] = unquoteString(str);
      i += str.length;
    }
  }
  const rest = line.slice(i).trim();
  // Native histogram samples (`{{…}}`, `{{…}}x3`) become `_` placeholders of the same count.
  const tokens = (rest.match(/(?:\{\{[^}]*\}\}|\S)+/g) ?? []).map((tok) => {
    if (!tok.includes('{{')) return tok;
    const n = /\}\}x(\d+)$/.exec(tok);
    return n ? `_x${Number(n[1]) + 1}` : '_';
  });
  return { labels, values: tokens };
}

function readQuoted(line: string, i: number): string {
  const q = line[i]!;
  let j = i + 1;
  while (j < line.length && line[j] !== q) {
    if (line[j] === '\\' && q !== '`') j++;
    j++;
  }
  return line.slice(i, j + 1);
}

interface EvalCommand {
  line: number;
  query: string;
  instantAt: number | null;
  range: { start: number; end: number; step: number } | null;
  expectFail: boolean;
  failMsg: string | null;
  failRegex: string | null;
  ordered: boolean;
  expectString: string | null;
  rangeVector: { start: number; end: number; step: number } | null;
  expected: { labels: Labels | null; points: Point[]; raw: string }[];
  native: boolean;
}

type Command = { kind: 'load'; line: number; intervalMs: number; lines: string[]; nhcb: boolean } | { kind: 'clear' } | ({ kind: 'eval' } & EvalCommand);

export function parseScript(text: string): Command[] {
  const commands: Command[] = [];
  const lines = text.split('\n');
  let current: Command | null = null;
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let m: RegExpExecArray | null;
    if ((m = /^load(_with_nhcb)?\s+(\S+)$/.exec(line))) {
      current = { kind: 'load', line: lineNo, intervalMs: parseTime(m[2]!), lines: [], nhcb: !!m[1] };
      commands.push(current);
      return;
    }
    if (line === 'clear') {
      current = { kind: 'clear' };
      commands.push(current);
      return;
    }
    if ((m = /^eval(_fail|_ordered|_warn|_info)?\s+instant\s+at\s+(\S+)\s+(.*)$/.exec(line))) {
      current = newEval(lineNo, m[3]!, m[1]);
      current.instantAt = parseTime(m[2]!);
      commands.push(current);
      return;
    }
    if ((m = /^eval(_fail|_ordered|_warn|_info)?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$/.exec(line))) {
      current = newEval(lineNo, m[5]!, m[1]);
      current.range = { start: parseTime(m[2]!), end: parseTime(m[3]!), step: parseTime(m[4]!) };
      commands.push(current);
      return;
    }
    const cmd = current as Command | null;
    if (!cmd) throw new Error(`line ${lineNo}: content outside a command`);
    if (cmd.kind === 'load') {
      cmd.lines.push(line);
      return;
    }
    if (cmd.kind !== 'eval') throw new Error(`line ${lineNo}: unexpected ${JSON.stringify(line)}`);
    if ((m = /^expect\s+range\s+vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/.exec(line))) {
      cmd.rangeVector = { start: parseTime(m[1]!), end: parseTime(m[2]!), step: parseTime(m[3]!) };
      return;
    }
    if ((m = /^expect\s+(\w+)(?:\s+(msg|regex)\s*:\s*(.*))?$/.exec(line)) || (m = /^expect\s+(string)\s+(.*)$/.exec(line))) {
      const type = m[1]!;
      if (type === 'fail') {
        cmd.expectFail = true;
        if (m[2] === 'msg') cmd.failMsg = m[3]!.trim().replace(/^"(.*)"$/, '$1');
        if (m[2] === 'regex') cmd.failRegex = m[3]!.trim().replace(/^"(.*)"$/, '$1');
      } else if (type === 'ordered') cmd.ordered = true;
      else if (type === 'string') cmd.expectString = unquoteString(line.replace(/^expect\s+string\s+/, '').trim());
      return;
    }
    if (line.includes('{{')) cmd.native = true;
    if (/^[-+]?(\d|\.\d|inf|nan)/i.test(line) && !line.includes('{')) {
      cmd.expected.push({ labels: null, points: expandValues(line.split(/\s+/)), raw: line });
      return;
    }
    const { labels, values } = parseSeriesLine(line);
    cmd.expected.push({ labels, points: cmd.native ? [] : expandValues(values), raw: line });
  });
  return commands;
}

function newEval(line: number, query: string, variant: string | undefined): { kind: 'eval' } & EvalCommand {
  return {
    kind: 'eval',
    line,
    query: query.trim(),
    instantAt: null,
    range: null,
    expectFail: variant === '_fail',
    failMsg: null,
    failRegex: null,
    ordered: variant === '_ordered',
    expectString: null,
    rangeVector: null,
    expected: [],
    native: false,
  };
}

function sameValue(expected: number | 'stale', actual: number): boolean {
  if (expected === 'stale') return isStaleNaN(actual);
  return almostEqual(expected, actual, 1e-6);
}

function compareVector(cmd: EvalCommand, result: QueryResult): string | null {
  if (result.resultType === 'scalar') {
    const exp = cmd.expected[0];
    if (cmd.expected.length !== 1 || exp!.labels !== null) return `got scalar ${result.result[1]}, expected ${cmd.expected.map((e) => e.raw).join(' | ')}`;
    return sameValue(exp!.points[0]!, result.result[1]) ? null : `scalar: expected ${exp!.points[0]}, got ${result.result[1]}`;
  }
  if (result.resultType === 'string') return `got string ${JSON.stringify(result.result[1])}`;
  if (result.resultType === 'matrix') {
    const rv = cmd.rangeVector;
    const byKey = new Map(result.result.map((s) => [labelsKey(s.metric), s]));
    if (byKey.size !== cmd.expected.length) return `expected ${cmd.expected.length} series, got ${result.result.length}`;
    for (const e of cmd.expected) {
      const s = byKey.get(labelsKey(e.labels ?? {}));
      if (!s) return `missing series ${e.raw}`;
      const want: [number, number | 'stale'][] = [];
      e.points.forEach((p, k) => {
        if (p !== null) want.push([(rv?.start ?? 0) + k * (rv?.step ?? 0), p]);
      });
      if (want.length !== s.points.length) return `series ${e.raw}: expected ${want.length} points, got ${s.points.length}`;
      for (let k = 0; k < want.length; k++) {
        if ((rv && want[k]![0] !== s.points[k]![0]) || !sameValue(want[k]![1], s.points[k]![1])) {
          return `series ${e.raw}: point ${k} expected ${want[k]}, got ${s.points[k]}`;
        }
      }
    }
    return null;
  }
  const actual = result.result;
  if (actual.length !== cmd.expected.length) {
    return `expected ${cmd.expected.length} samples, got ${actual.length}: ${actual
      .slice(0, 5)
      .map((s) => `${formatMetric(s.metric)} ${s.v}`)
      .join(', ')}`;
  }
  const byKey = new Map(actual.map((s, i) => [labelsKey(s.metric), { s, i }]));
  for (let k = 0; k < cmd.expected.length; k++) {
    const e = cmd.expected[k]!;
    const a = byKey.get(labelsKey(e.labels ?? {}));
    if (!a) return `missing ${e.raw}; got ${actual.map((s) => `${formatMetric(s.metric)} ${s.v}`).join(', ')}`;
    if (cmd.ordered && a.i !== k) return `order: ${e.raw} at ${a.i}, expected ${k}`;
    if (e.points.length !== 1 || e.points[0] === null) return `bad expectation ${e.raw}`;
    if (!sameValue(e.points[0]!, a.s.v)) return `${e.raw}: got ${a.s.v}`;
  }
  return null;
}

function compareRange(cmd: EvalCommand, result: QueryResult): string | null {
  if (result.resultType !== 'matrix') return `expected matrix, got ${result.resultType}`;
  const { start, step } = cmd.range!;
  const byKey = new Map(result.result.map((s) => [labelsKey(s.metric), s]));
  const expected = cmd.expected.filter((e) => e.points.some((p) => p !== null));
  if (expected.length !== result.result.length) {
    return `expected ${expected.length} series, got ${result.result.length}: ${result.result
      .slice(0, 4)
      .map((s) => formatMetric(s.metric))
      .join(', ')}`;
  }
  for (const e of expected) {
    const s = byKey.get(labelsKey(e.labels ?? {}));
    if (!s) return `missing series ${e.raw}`;
    const want: [number, number | 'stale'][] = [];
    e.points.forEach((p, k) => {
      if (p !== null) want.push([start + k * step, p]);
    });
    if (want.length !== s.points.length) return `${e.raw}: expected ${want.length} points, got ${s.points.map((p) => `${p[1]}@${p[0] / 1000}`).join(' ')}`;
    for (let k = 0; k < want.length; k++) {
      if (want[k]![0] !== s.points[k]![0] || !sameValue(want[k]![1], s.points[k]![1])) {
        return `${e.raw}: point ${k} expected ${want[k]![1]}@${want[k]![0] / 1000}, got ${s.points[k]![1]}@${s.points[k]![0] / 1000}`;
      }
    }
  }
  return null;
}

/** Runs a script; every eval yields a CaseResult. */
export async function runScript(text: string): Promise<CaseResult[]> {
  const store = new MemoryQueryable();
  const nativeSeries: Labels[] = [];
  const results: CaseResult[] = [];
  for (const cmd of parseScript(text)) {
    if (cmd.kind === 'clear') {
      store.clear();
      nativeSeries.length = 0;
      continue;
    }
    if (cmd.kind === 'load') {
      for (const line of cmd.lines) {
        const { labels, values } = parseSeriesLine(line);
        const name = labels['__name__'];
        if (line.includes('{{')) nativeSeries.push(labels);
        if (cmd.nhcb && name && /_bucket$/.test(name)) {
          const nhcb: Record<string, string> = { ...labels, __name__: name.replace(/_bucket$/, '') };
          delete nhcb['le'];
          nativeSeries.push(nhcb);
        }
        const samples: Sample[] = [];
        expandValues(values).forEach((p, k) => {
          if (p !== null) samples.push({ t: k * cmd.intervalMs, v: pointValue(p) });
        });
        store.add(labels, samples);
      }
      continue;
    }
    if (cmd.native) {
      results.push({ line: cmd.line, query: cmd.query, status: 'skip', reason: 'native histograms expected' });
      continue;
    }
    const outcome = await runEval(store, cmd);
    // A failing case whose selectors touch native-histogram series is not a float-semantics failure.
    if (outcome.status === 'fail' && selectsAny(cmd.query, nativeSeries)) outcome.status = 'skip';
    results.push({ line: cmd.line, query: cmd.query, ...outcome });
  }
  return results;
}

/** Whether any selector of the query would select one of the given (native-histogram) series. */
function selectsAny(query: string, series: Labels[]): boolean {
  if (series.length === 0) return false;
  let expr: Expr;
  try {
    expr = parsePromQL(query);
  } catch {
    return false;
  }
  let found = false;
  const visit = (e: Expr): void => {
    if (found) return;
    switch (e.type) {
      case 'VectorSelector':
        found = series.some((l) => matchesAll(l, e.matchers));
        return;
      case 'MatrixSelector':
        return visit(e.vector);
      case 'Subquery':
      case 'Paren':
      case 'Unary':
        return visit(e.expr);
      case 'Binary':
        visit(e.lhs);
        return visit(e.rhs);
      case 'Call':
        return e.args.forEach(visit);
      case 'Aggregate':
        visit(e.expr);
        if (e.param) visit(e.param);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return found;
}

async function runEval(store: MemoryQueryable, cmd: EvalCommand): Promise<{ status: CaseStatus; reason: string }> {
  let result: QueryResult;
  try {
    const expr = parsePromQL(cmd.query);
    result = cmd.range ? await evaluateRange(store, expr, cmd.range.start, cmd.range.end, cmd.range.step) : await evaluateInstant(store, expr, cmd.instantAt!);
  } catch (err) {
    const message = (err as Error).message;
    if (!cmd.expectFail) return { status: 'fail', reason: `error: ${message}` };
    if (cmd.failMsg !== null && message !== cmd.failMsg && !message.endsWith(cmd.failMsg)) {
      return { status: 'fail', reason: `error message ${JSON.stringify(message)}, expected ${JSON.stringify(cmd.failMsg)}` };
    }
    if (cmd.failRegex !== null && !new RegExp(cmd.failRegex).test(message)) {
      return { status: 'fail', reason: `error message ${JSON.stringify(message)} does not match ${cmd.failRegex}` };
    }
    return { status: 'pass', reason: '' };
  }
  if (cmd.expectFail) return { status: 'fail', reason: 'expected an error' };
  if (cmd.expectString !== null) {
    return result.resultType === 'string' && result.result[1] === cmd.expectString
      ? { status: 'pass', reason: '' }
      : { status: 'fail', reason: `expected string ${JSON.stringify(cmd.expectString)}` };
  }
  const problem = cmd.range ? compareRange(cmd, result) : compareVector(cmd, result);
  return problem === null ? { status: 'pass', reason: '' } : { status: 'fail', reason: problem };
}
