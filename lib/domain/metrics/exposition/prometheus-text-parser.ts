// Prometheus text format 0.0.4 parser, as lenient as Prometheus's own scrape parser
// (prometheus/model/textparse/promparse.go) so that whatever real exporters emit and Prometheus
// accepts, we accept too. Spec: https://prometheus.io/docs/instrumenting/exposition_formats/
//
// Lines: blank lines and ordinary `#` comments are skipped; `# HELP name text` and `# TYPE name
// type` (counter, gauge, histogram, summary, untyped) give metadata, in any order and anywhere (a
// repeated one replaces the earlier one); a sample is `name[{labels}] value [timestamp_ms]` with
// spaces or tabs between tokens, label lists may end with a comma (Java's simpleclient writes
// `{name="x",}`). Values are Go floats (`NaN`, `+Inf`, `-Inf` in any case); timestamps integer ms.
// Anything else — a bad name, an unterminated label value, a duplicate label, a stray token —
// throws ExpositionParseError with the line number.
import {
  ExpositionParseError,
  LineError,
  fail,
  isMetricName,
  parseGoFloat,
  parseMillis,
  readQuoted,
  scanLabelName,
  scanMetricName,
  setLabel,
  unescapeHelp,
  type ExpositionSample,
  type MutableLabels,
  type ParsedExposition,
} from './exposition-lexing';
import type { MetricMetadata, MetricType } from '../types';

const TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};

export function parsePrometheusText004(text: string, scrapeTimeMs: number): ParsedExposition {
  const samples: ExpositionSample[] = [];
  const metadata = new Map<string, MetricMetadata>();
  let lineStart = 0;
  let lineNumber = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    lineNumber++;
    let line = text.slice(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    try {
      const first = skipBlanks(line, 0);
      if (first === line.length) continue;
      if (line[first] === '#') {
        metadataLine(line, first + 1, metadata);
        continue;
      }
      samples.push(sampleLine(line, first, scrapeTimeMs));
    } catch (error) {
      if (error instanceof LineError) throw new ExpositionParseError(lineNumber, error.message);
      throw error;
    }
  }
  return { format: 'prometheus-text-0.0.4', samples, metadata: [...metadata.values()] };
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function skipBlanks(line: string, pos: number): number {
  while (pos < line.length && isBlank(line[pos])) pos++;
  return pos;
}

function tokenEnd(line: string, pos: number): number {
  while (pos < line.length && !isBlank(line[pos])) pos++;
  return pos;
}

function metadataLine(line: string, pos: number, metadata: Map<string, MetricMetadata>): void {
  pos = skipBlanks(line, pos);
  const kindEnd = tokenEnd(line, pos);
  const kind = line.slice(pos, kindEnd);
  if (kind !== 'HELP' && kind !== 'TYPE') return; // an ordinary comment
  pos = skipBlanks(line, kindEnd);
  const nameEnd = tokenEnd(line, pos);
  const name = line.slice(pos, nameEnd);
  if (!isMetricName(name)) fail(`invalid metric name ${JSON.stringify(name)} in # ${kind}`);
  // One separator before the text; HELP text keeps any further leading/trailing blanks trimmed.
  const rest = line.slice(skipBlanks(line, nameEnd));
  const entry = metadata.get(name) ?? { metric: name, type: 'unknown', help: '', unit: '' };
  if (kind === 'HELP') {
    entry.help = unescapeHelp(rest.trimEnd(), false);
  } else {
    const type = TYPES[rest.trim()];
    if (type === undefined) fail(`invalid metric type ${JSON.stringify(rest.trim())}`);
    entry.type = type;
  }
  metadata.set(name, entry);
}

function sampleLine(line: string, pos: number, scrapeTimeMs: number): ExpositionSample {
  const nameEnd = scanMetricName(line, pos);
  if (nameEnd === pos) fail(`invalid metric name at column ${pos + 1}`);
  const labels: MutableLabels = { __name__: line.slice(pos, nameEnd) };
  pos = skipBlanks(line, nameEnd);
  if (line[pos] === '{') pos = skipBlanks(line, readLabels(line, pos, labels));
  if (pos === line.length) fail('missing value');
  let end = tokenEnd(line, pos);
  const value = parseGoFloat(line.slice(pos, end));
  if (value === undefined) fail(`invalid value ${JSON.stringify(line.slice(pos, end))}`);
  pos = skipBlanks(line, end);
  if (pos === line.length) return { labels, value, t: scrapeTimeMs, explicitTimestamp: false };
  end = tokenEnd(line, pos);
  const t = parseMillis(line.slice(pos, end));
  if (t === undefined) fail(`invalid timestamp ${JSON.stringify(line.slice(pos, end))} (integer milliseconds expected)`);
  if (skipBlanks(line, end) !== line.length) fail(`unexpected text after the timestamp at column ${end + 1}`);
  return { labels, value, t, explicitTimestamp: true };
}

/** `{ name = "value" , … [,] }` with optional blanks; returns the position after `}`. */
function readLabels(line: string, pos: number, labels: MutableLabels): number {
  pos = skipBlanks(line, pos + 1);
  while (line[pos] !== '}') {
    const nameEnd = scanLabelName(line, pos);
    if (nameEnd === pos) fail(pos >= line.length ? 'unterminated label list' : `invalid label name at column ${pos + 1}`);
    const name = line.slice(pos, nameEnd);
    pos = skipBlanks(line, nameEnd);
    if (line[pos] !== '=') fail(`expected "=" after label ${name}`);
    pos = skipBlanks(line, pos + 1);
    const { value, end } = readQuoted(line, pos);
    setLabel(labels, name, value);
    pos = skipBlanks(line, end);
    if (line[pos] === ',') pos = skipBlanks(line, pos + 1);
    else if (line[pos] !== '}') fail(`expected "," or "}" at column ${pos + 1}`);
  }
  return pos + 1;
}
