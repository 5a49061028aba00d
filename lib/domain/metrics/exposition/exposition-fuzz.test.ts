// Seeded mutation fuzzing of both exposition parsers: whatever the text, they return samples or
// throw ExpositionParseError — never another error, never a hang. FUZZ_RUNS=100000 for a long run.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fuzzRuns, mutateText, random } from '../../../../tests/support/fuzz';
import { ExpositionParseError, parsePrometheusText } from './parse-prometheus-text';

const OM = 'application/openmetrics-text; version=1.0.0';
const TEXT = 'text/plain; version=0.0.4';
const ALPHABET = '# {}",=\\\n\t .-+_0123456789eEaxNInf_total_bucketle';

function corpus(): { text: string; contentType: string }[] {
  const om = fileURLToPath(new URL('./testdata/openmetrics-parsers/', import.meta.url));
  const exporters = fileURLToPath(new URL('./testdata/exporters/', import.meta.url));
  return [
    ...readdirSync(om, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => ({ text: readFileSync(`${om}${e.name}/metrics`, 'utf8'), contentType: OM })),
    ...readdirSync(exporters)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => ({ text: readFileSync(exporters + f, 'utf8').slice(0, 4000), contentType: TEXT })),
  ];
}

test('fuzz: mutated expositions parse or throw ExpositionParseError with a line number', () => {
  const inputs = corpus();
  const next = random(9090);
  const runs = fuzzRuns(4000);
  let parsed = 0;
  for (let i = 0; i < runs; i++) {
    const input = inputs[Math.floor(next() * inputs.length)]!;
    const text = mutateText(input.text, next, ALPHABET);
    // Each mutated text goes through both parsers, whatever it was written for.
    for (const contentType of [input.contentType, input.contentType === OM ? TEXT : OM]) {
      try {
        parsePrometheusText(text, contentType, 0);
        parsed++;
      } catch (error) {
        assert.ok(error instanceof ExpositionParseError, `${String(error)} for ${JSON.stringify(text.slice(0, 200))}`);
        assert.ok(error.line >= 1, error.message);
      }
    }
  }
  console.log(`exposition fuzz: ${runs * 2} parses, ${parsed} accepted, the rest refused with a line number`);
});

test('pathological inputs stay linear: a huge line, many labels, deep escapes', () => {
  const many = `x{${Array.from({ length: 5000 }, (_, i) => `l${i}="v"`).join(',')}} 1\n`;
  assert.equal(Object.keys(parsePrometheusText(many, TEXT, 0).samples[0]!.labels).length, 5001);
  const escapes = `x{a="${'\\\\'.repeat(100_000)}"} 1\n# EOF\n`;
  assert.equal(parsePrometheusText(escapes, OM, 0).samples[0]!.labels.a!.length, 100_000);
  assert.throws(() => parsePrometheusText(`x{a="${'a'.repeat(1_000_000)}`, TEXT, 0), ExpositionParseError);
  assert.throws(() => parsePrometheusText('\n'.repeat(100_000), OM, 0), /line 1: blank line/);
});
