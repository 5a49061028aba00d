// The OpenMetrics parser conformance corpus (testdata/openmetrics-parsers, from prometheus/OpenMetrics):
// every good case must parse and every bad case must be refused with a line-numbered error. A few
// good cases are also checked sample by sample.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExpositionParseError, parsePrometheusText, type ExpositionSample } from './parse-prometheus-text';

const CORPUS = fileURLToPath(new URL('./testdata/openmetrics-parsers/', import.meta.url));
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const SCRAPE_MS = 1_700_000_000_000;

interface Case {
  name: string;
  text: string;
  shouldParse: boolean;
}

function cases(): Case[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const spec = JSON.parse(readFileSync(`${CORPUS}${entry.name}/test.json`, 'utf8')) as { file: string; shouldParse: boolean };
      return { name: entry.name, text: readFileSync(`${CORPUS}${entry.name}/${spec.file}`, 'utf8'), shouldParse: spec.shouldParse };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function parse(text: string): ExpositionSample[] {
  return parsePrometheusText(text, OM, SCRAPE_MS).samples;
}

function brief(samples: ExpositionSample[]): string[] {
  return samples.map((s) => {
    const { __name__, ...rest } = s.labels;
    const labels = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${__name__}{${labels.join(',')}} ${s.value}${s.explicitTimestamp ? ` @${s.t}` : ''}${s.exemplar ? ` # ${JSON.stringify(s.exemplar)}` : ''}`;
  });
}

test('conformance corpus: every good case parses, every bad case is refused', () => {
  const all = cases();
  assert.equal(all.length, 211);
  const failures: string[] = [];
  let passed = 0;
  for (const c of all) {
    let outcome: string;
    try {
      parse(c.text);
      outcome = c.shouldParse ? 'ok' : 'accepted but should be refused';
    } catch (error) {
      assert.ok(error instanceof ExpositionParseError, `${c.name}: threw ${String(error)}`);
      assert.ok(!error.message.includes('internal parser error'), `${c.name}: ${error.message}`);
      outcome = c.shouldParse ? `refused: ${error.message}` : 'ok';
    }
    if (outcome === 'ok') passed++;
    else failures.push(`${c.name}: ${outcome}`);
  }
  console.log(`OpenMetrics conformance: ${passed}/${all.length} passed${failures.length ? `\n  ${failures.join('\n  ')}` : ''}`);
  assert.deepEqual(failures, []);
});

function caseText(name: string): string {
  return readFileSync(`${CORPUS}${name}/metrics`, 'utf8');
}

test('conformance samples: escaping keeps unknown escapes as written', () => {
  assert.deepEqual(brief(parse(caseText('escaping'))), [
    'a_total{foo="b\\"a\\nr"} 1',
    'a_total{foo="b\\\\a\\\\z"} 2',
    'a_total{foo="b\\"a\\nr # "} 3',
    'a_total{foo="b\\\\a\\\\z # "} 4',
  ]);
  const result = parsePrometheusText(caseText('escaping'), OM, SCRAPE_MS);
  assert.deepEqual(result.metadata, [{ metric: 'a', type: 'counter', help: 'he\n\\l\\tp', unit: '' }]);
});

test('conformance samples: timestamps are float seconds, returned in ms', () => {
  const samples = parse(caseText('timestamps'));
  assert.deepEqual(
    samples.map((s) => s.t),
    [0, 0, 1100, 12345678901234567890123, 1_500_000, 1234567890000],
  );
  assert.ok(samples.every((s) => s.explicitTimestamp));
});

test('conformance samples: exemplars, NaN and ±Inf, histograms and units', () => {
  assert.deepEqual(brief(parse(caseText('counter_exemplars'))), ['a_total{} 0 @123000 # {"labels":{"a":"b"},"value":0.5}']);
  assert.deepEqual(brief(parse(caseText('labels_and_infinite'))), ['a{foo="bar"} Infinity', 'a{foo="baz"} -Infinity']);
  assert.ok(Number.isNaN(parse(caseText('nan'))[0]!.value));
  assert.deepEqual(brief(parse(caseText('simple_histogram'))), ['a_bucket{le="1.0"} 0', 'a_bucket{le="+Inf"} 3', 'a_count{} 3', 'a_sum{} 2']);
  assert.deepEqual(brief(parse(caseText('histogram_exemplars'))).at(-1), `a_bucket{le="+Inf"} 3 # ${JSON.stringify({ labels: { a: '2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678' }, value: 4, timestampMs: 123000 })}`);
  assert.deepEqual(parsePrometheusText(caseText('counter_unit'), OM, SCRAPE_MS), {
    format: 'openmetrics-1.0',
    metadata: [{ metric: 'cc_seconds', type: 'counter', help: 'A counter', unit: 'seconds' }],
    samples: [
      { labels: { __name__: 'cc_seconds_total' }, value: 1, t: SCRAPE_MS, explicitTimestamp: false },
      { labels: { __name__: 'cc_seconds_created' }, value: 123.456, t: SCRAPE_MS, explicitTimestamp: false },
    ],
  });
  assert.deepEqual(brief(parse(caseText('simple_stateset'))), ['a{a="bar"} 0', 'a{a="foo"} 1']);
  assert.deepEqual(brief(parse(caseText('info_timestamps'))), ['a_info{a="1",foo="bar"} 1 @1000', 'a_info{a="2",foo="bar"} 1 @0']);
});

test('bad cases name the line', () => {
  assert.throws(() => parse('a 1\n\n# EOF\n'), /^ExpositionParseError: line 2: blank line$/);
  assert.throws(() => parse('# TYPE a counter\na_total -1\n# EOF\n'), { line: 2 });
  assert.throws(() => parse('a 1\n'), /missing "# EOF"/);
});
