// OpenMetrics 1.0 text parser: strict, as the specification and its reference parser are, so every
// case of the conformance corpus (testdata/openmetrics-parsers) is accepted or refused as upstream
// expects. Spec: https://github.com/prometheus/OpenMetrics/blob/v1.0.0/specification/OpenMetrics.md
//
// Structure: a line is `# HELP|TYPE|UNIT name …`, `# EOF` (last, required), or a sample
// `name{labels} value [timestamp] [# {labels} value [timestamp]]` with single spaces. A family's
// metadata comes before its samples; a sample whose name is not one of the current family's
// (e.g. `x_total`, `x_created` for a counter `x`) starts a new untyped family. A family, and a
// label group (a series ignoring `le`/`quantile`) within it, must be contiguous; names must not
// clash across families. Per type: counters `_total` ≥ 0 and not NaN; histogram buckets ascend
// in `le` and in count, end with `+Inf`, `_count` equals it, `_sum`/`_count` come together and a
// histogram with negative buckets has no `_sum`; summary quantiles in [0,1]; info is 1; stateset
// 0 or 1; exemplars (≤ 128 characters of labels) only on counter `_total` and `_bucket` samples.
//
// Sample values are read as Go floats (NaN/Inf in any case), as Prometheus reads them: prom-client
// writes `Nan`. Samples keep their full names (`x_total`, `x_bucket`, `x_created`, …): Prometheus 2.42 stores
// `_created` as an ordinary series too. Timestamps are float seconds, returned as rounded ms.
import {
  ExpositionParseError,
  LineError,
  fail,
  isMetricName,
  parseGoFloat,
  parseOpenMetricsNumber,
  parseOpenMetricsTimestampMs,
  readQuoted,
  scanLabelName,
  scanMetricName,
  setLabel,
  unescapeHelp,
  type Exemplar,
  type ExpositionSample,
  type MutableLabels,
  type ParsedExposition,
} from './exposition-lexing';
import type { MetricMetadata, MetricType } from '../types';

const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

const TYPES = new Set<string>(Object.keys(SUFFIXES));
const MAX_EXEMPLAR_LABEL_CHARS = 128;

interface Family {
  name: string;
  type: MetricType;
  help: string | undefined;
  unit: string | undefined;
  typeDeclared: boolean;
  hasSamples: boolean;
  /** Sample name → its suffix. */
  allowed: Map<string, string>;
  seenGroups: Set<string>;
  group: Group | undefined;
  /** Series key → last timestamp (undefined = none), to refuse duplicates and backwards time. */
  lastTimestamp: Map<string, number | undefined>;
}

interface Group {
  key: string;
  buckets: { le: number; value: number }[];
  count: number | undefined;
  sum: number | undefined;
}

export function parseOpenMetrics(text: string, scrapeTimeMs: number): ParsedExposition {
  return new OpenMetricsParser(scrapeTimeMs).parse(text);
}

class OpenMetricsParser {
  private readonly samples: ExpositionSample[] = [];
  private readonly metadata: MetricMetadata[] = [];
  /** Family and sample names claimed so far → the family that claimed them. */
  private readonly claimed = new Map<string, string>();
  private family: Family | undefined;

  constructor(private readonly scrapeTimeMs: number) {}

  parse(text: string): ParsedExposition {
    const lines = text.split('\n');
    let sawEof = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      try {
        if (sawEof) {
          // Only the empty string after the final newline may follow `# EOF`.
          if (i === lines.length - 1 && line === '') break;
          fail('text after "# EOF"');
        }
        if (line === '# EOF') {
          sawEof = true;
          this.endFamily();
        } else if (line.startsWith('#')) {
          this.metadataLine(line);
        } else if (line === '') {
          fail(i === lines.length - 1 ? 'missing "# EOF" at the end' : 'blank line');
        } else {
          this.sampleLine(line);
        }
      } catch (error) {
        if (error instanceof LineError) throw new ExpositionParseError(i + 1, error.message);
        throw error;
      }
    }
    if (!sawEof) throw new ExpositionParseError(lines.length, 'missing "# EOF" at the end');
    return { format: 'openmetrics-1.0', samples: this.samples, metadata: this.metadata };
  }

  private metadataLine(line: string): void {
    // `# KIND name text`: exactly single spaces; the text may be empty but its separator may not.
    const kindEnd = line.indexOf(' ', 2);
    const kind = line.slice(2, kindEnd);
    if (!line.startsWith('# ') || kindEnd < 0 || (kind !== 'HELP' && kind !== 'TYPE' && kind !== 'UNIT')) {
      fail('a comment must be "# HELP", "# TYPE", "# UNIT" or "# EOF"');
    }
    const nameEnd = line.indexOf(' ', kindEnd + 1);
    if (nameEnd < 0) fail(`# ${kind} needs a metric name and a value`);
    const name = line.slice(kindEnd + 1, nameEnd);
    if (!isMetricName(name)) fail(`invalid metric name ${JSON.stringify(name)}`);
    const rest = line.slice(nameEnd + 1);

    let family = this.family;
    if (family === undefined || family.name !== name) {
      this.endFamily();
      family = this.startFamily(name);
    } else if (family.hasSamples) {
      fail(`# ${kind} for ${name} after its samples`);
    }
    switch (kind) {
      case 'HELP':
        if (family.help !== undefined) fail(`second # HELP for ${name}`);
        family.help = unescapeHelp(rest, true);
        break;
      case 'UNIT':
        if (family.unit !== undefined) fail(`second # UNIT for ${name}`);
        family.unit = rest;
        break;
      case 'TYPE':
        if (family.typeDeclared) fail(`second # TYPE for ${name}`);
        if (!TYPES.has(rest)) fail(`invalid metric type ${JSON.stringify(rest)}`);
        family.type = rest as MetricType;
        family.typeDeclared = true;
        this.claimSampleNames(family);
        break;
    }
  }

  private startFamily(name: string): Family {
    const owner = this.claimed.get(name);
    if (owner !== undefined) {
      fail(owner === name ? `metric family ${name} appears twice (families must be contiguous)` : `${name} clashes with family ${owner}`);
    }
    const family: Family = {
      name,
      type: 'unknown',
      help: undefined,
      unit: undefined,
      typeDeclared: false,
      hasSamples: false,
      allowed: new Map([[name, '']]),
      seenGroups: new Set(),
      group: undefined,
      lastTimestamp: new Map(),
    };
    this.claimed.set(name, name);
    this.family = family;
    return family;
  }

  private claimSampleNames(family: Family): void {
    family.allowed.clear();
    for (const suffix of SUFFIXES[family.type]) {
      const sampleName = family.name + suffix;
      const owner = this.claimed.get(sampleName);
      if (owner !== undefined && owner !== family.name) fail(`${sampleName} clashes with family ${owner}`);
      this.claimed.set(sampleName, family.name);
      family.allowed.set(sampleName, suffix);
    }
  }

  private endFamily(): void {
    const family = this.family;
    if (family === undefined) return;
    this.endGroup(family);
    if (family.unit !== undefined && family.unit !== '') {
      if (family.type === 'info' || family.type === 'stateset') fail(`${family.type} ${family.name} cannot have a unit`);
      if (!family.name.endsWith(`_${family.unit}`)) fail(`metric ${family.name} must end in _${family.unit}, its unit`);
    }
    if (family.typeDeclared || family.help !== undefined || family.unit !== undefined) {
      this.metadata.push({ metric: family.name, type: family.type, help: family.help ?? '', unit: family.unit ?? '' });
    }
    this.family = undefined;
  }

  private sampleLine(line: string): void {
    const parsed = parseSampleLine(line);
    const name = parsed.labels.__name__!;
    let family = this.family;
    if (family === undefined || !family.allowed.has(name)) {
      this.endFamily();
      family = this.startFamily(name);
    }
    family.hasSamples = true;
    const suffix = family.allowed.get(name)!;
    this.checkOrder(family, parsed.labels, parsed.timestampMs);
    this.checkSample(family, suffix, parsed);
    this.samples.push({
      labels: parsed.labels,
      value: parsed.value,
      t: parsed.timestampMs ?? this.scrapeTimeMs,
      explicitTimestamp: parsed.timestampMs !== undefined,
      ...(parsed.exemplar === undefined ? {} : { exemplar: parsed.exemplar }),
    });
  }

  /** Groups must be contiguous; a repeated series needs strictly timestamped, non-decreasing samples. */
  private checkOrder(family: Family, labels: MutableLabels, timestampMs: number | undefined): void {
    const seriesKey = labelKey(labels, undefined);
    if (family.lastTimestamp.has(seriesKey)) {
      const previous = family.lastTimestamp.get(seriesKey);
      if (previous === undefined || timestampMs === undefined) fail('duplicate sample for a series');
      if (timestampMs < previous) fail('timestamps of a series go backwards');
    }
    family.lastTimestamp.set(seriesKey, timestampMs);

    const ignored = family.type === 'histogram' || family.type === 'gaugehistogram' ? 'le' : family.type === 'summary' ? 'quantile' : family.type === 'stateset' ? family.name : undefined;
    const groupKey = labelKey(labels, ignored, true);
    if (family.group?.key === groupKey) return;
    this.endGroup(family);
    if (family.seenGroups.has(groupKey)) fail(`samples of one ${family.type} in ${family.name} are not grouped together`);
    family.seenGroups.add(groupKey);
    family.group = { key: groupKey, buckets: [], count: undefined, sum: undefined };
  }

  private checkSample(family: Family, suffix: string, sample: ParsedSample): void {
    const { value, labels, exemplar } = sample;
    const group = family.group!;
    const exemplarAllowed =
      (family.type === 'counter' && suffix === '_total') ||
      ((family.type === 'histogram' || family.type === 'gaugehistogram') && suffix === '_bucket');
    if (exemplar !== undefined && !exemplarAllowed) fail(`exemplars are not allowed on ${labels.__name__} (${family.type})`);

    switch (family.type) {
      case 'counter':
        if (suffix === '_total') nonNegative(value, 'counter');
        break;
      case 'histogram':
      case 'gaugehistogram':
        if (suffix === '_bucket') {
          const leText = labels.le;
          if (leText === undefined) fail('a histogram bucket needs an "le" label');
          const le = parseOpenMetricsNumber(leText);
          if (le === undefined || Number.isNaN(le)) fail(`invalid "le" value ${JSON.stringify(leText)}`);
          nonNegative(value, 'bucket');
          const last = group.buckets[group.buckets.length - 1];
          if (group.count !== undefined || group.sum !== undefined) fail('buckets must come before _count and _sum');
          if (last !== undefined && le <= last.le) fail('bucket "le" values must increase');
          if (last !== undefined && value < last.value) fail('bucket counts must not decrease');
          group.buckets.push({ le, value });
        } else if (suffix === '_count' || suffix === '_gcount') {
          nonNegative(value, suffix.slice(1));
          group.count = value;
        } else if (suffix === '_sum' || suffix === '_gsum') {
          if (Number.isNaN(value)) fail(`${suffix.slice(1)} must not be NaN`);
          if (family.type === 'histogram' && value < 0) fail('a histogram _sum must not be negative');
          group.sum = value;
        }
        break;
      case 'summary':
        if (suffix === '') {
          const q = labels.quantile;
          const quantile = q === undefined ? undefined : parseOpenMetricsNumber(q);
          if (quantile === undefined || Number.isNaN(quantile) || quantile < 0 || quantile > 1) {
            fail(`a summary quantile needs a "quantile" label between 0 and 1, got ${JSON.stringify(q ?? null)}`);
          }
          if (value < 0) fail('a summary quantile value must not be negative');
        } else if (suffix === '_count' || suffix === '_sum') {
          nonNegative(value, suffix.slice(1));
        }
        break;
      case 'info':
        if (value !== 1) fail('an info sample must have the value 1');
        break;
      case 'stateset':
        if (labels[family.name] === undefined) fail(`a stateset sample needs a "${family.name}" label`);
        if (value !== 0 && value !== 1) fail('a stateset sample must be 0 or 1');
        break;
      default:
        break;
    }
  }

  private endGroup(family: Family): void {
    const group = family.group;
    family.group = undefined;
    if (group === undefined || (family.type !== 'histogram' && family.type !== 'gaugehistogram')) return;
    const { buckets, count, sum } = group;
    const countName = family.type === 'histogram' ? '_count' : '_gcount';
    const sumName = family.type === 'histogram' ? '_sum' : '_gsum';
    if (buckets.length === 0) {
      if (count !== undefined || sum !== undefined) fail(`${family.type} ${family.name} has ${countName}/${sumName} but no buckets`);
      return;
    }
    const last = buckets[buckets.length - 1]!;
    if (last.le !== Infinity) fail(`${family.type} ${family.name} needs a le="+Inf" bucket`);
    if ((count === undefined) !== (sum === undefined)) fail(`${family.type} ${family.name} needs both ${countName} and ${sumName}, or neither`);
    if (count !== undefined && count !== last.value) fail(`${countName} must equal the +Inf bucket`);
    const negativeBuckets = buckets[0]!.le < 0;
    if (negativeBuckets && family.type === 'histogram' && sum !== undefined) fail('a histogram with negative buckets must not have a _sum');
    if (!negativeBuckets && sum !== undefined && sum < 0) fail(`${sumName} must not be negative without negative buckets`);
  }
}

function nonNegative(value: number, what: string): void {
  if (Number.isNaN(value)) fail(`a ${what} value must not be NaN`);
  if (value < 0) fail(`a ${what} value must not be negative`);
}

/** A canonical key of a label set, optionally leaving one label out. */
function labelKey(labels: MutableLabels, ignored: string | undefined, withoutName = false): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) {
    if (name === ignored || (withoutName && name === '__name__')) continue;
    key += `${name}\u0000${labels[name]}\u0001`;
  }
  return key;
}

interface ParsedSample {
  labels: MutableLabels;
  value: number;
  timestampMs: number | undefined;
  exemplar: Exemplar | undefined;
}

function parseSampleLine(line: string): ParsedSample {
  const nameEnd = scanMetricName(line, 0);
  if (nameEnd === 0) fail('invalid metric name');
  const labels: MutableLabels = { __name__: line.slice(0, nameEnd) };
  let pos = nameEnd;
  if (line[pos] === '{') pos = readLabels(line, pos, labels);
  if (line[pos] !== ' ') fail(`expected a space before the value at column ${pos + 1}`);
  pos++;
  let end = tokenEnd(line, pos);
  const value = parseGoFloat(line.slice(pos, end));
  if (value === undefined) fail(`invalid value ${JSON.stringify(line.slice(pos, end))}`);
  pos = end;
  let timestampMs: number | undefined;
  let exemplar: Exemplar | undefined;
  if (pos < line.length) {
    pos++; // the space tokenEnd stopped at
    if (line[pos] !== '#') {
      end = tokenEnd(line, pos);
      timestampMs = parseOpenMetricsTimestampMs(line.slice(pos, end));
      if (timestampMs === undefined) fail(`invalid timestamp ${JSON.stringify(line.slice(pos, end))}`);
      pos = end;
      if (pos < line.length) pos++;
      else return { labels, value, timestampMs, exemplar };
    }
    exemplar = parseExemplar(line, pos);
  }
  return { labels, value, timestampMs, exemplar };
}

/** `# {labels} value [timestamp]` at `pos`, running to the end of the line. */
function parseExemplar(line: string, pos: number): Exemplar {
  if (!line.startsWith('# {', pos)) fail(`expected a timestamp or "# {" for an exemplar at column ${pos + 1}`);
  const labels: MutableLabels = {};
  pos = readLabels(line, pos + 2, labels);
  let chars = 0;
  for (const name in labels) chars += [...name].length + [...labels[name]!].length;
  if (chars > MAX_EXEMPLAR_LABEL_CHARS) fail(`exemplar labels have ${chars} characters, more than ${MAX_EXEMPLAR_LABEL_CHARS}`);
  if (line[pos] !== ' ') fail('expected a space before the exemplar value');
  pos++;
  let end = tokenEnd(line, pos);
  const value = parseGoFloat(line.slice(pos, end));
  if (value === undefined) fail(`invalid exemplar value ${JSON.stringify(line.slice(pos, end))}`);
  if (end === line.length) return { labels, value };
  pos = end + 1;
  end = tokenEnd(line, pos);
  const timestampMs = parseOpenMetricsTimestampMs(line.slice(pos, end));
  if (timestampMs === undefined) fail(`invalid exemplar timestamp ${JSON.stringify(line.slice(pos, end))}`);
  if (end !== line.length) fail('unexpected text after the exemplar');
  return { labels, value, timestampMs };
}

/** The end of a space-delimited token; an empty token (two spaces, a trailing space) is an error. */
function tokenEnd(line: string, pos: number): number {
  let end = line.indexOf(' ', pos);
  if (end < 0) end = line.length;
  if (end === pos) fail(`unexpected ${pos < line.length ? 'space' : 'end of line'} at column ${pos + 1}`);
  return end;
}

/** `{name="value",…}` with no spaces and no trailing comma; returns the position after `}`. */
function readLabels(line: string, pos: number, labels: MutableLabels): number {
  pos++; // '{'
  if (line[pos] === '}') return pos + 1;
  for (;;) {
    const nameEnd = scanLabelName(line, pos);
    if (nameEnd === pos) fail(`invalid label name at column ${pos + 1}`);
    const name = line.slice(pos, nameEnd);
    if (line[nameEnd] !== '=') fail(`expected "=" after label ${name}`);
    const { value, end } = readQuoted(line, nameEnd + 1);
    setLabel(labels, name, value);
    if (line[end] === '}') return end + 1;
    if (line[end] !== ',') fail(`expected "," or "}" at column ${end + 1}`);
    pos = end + 1;
  }
}
