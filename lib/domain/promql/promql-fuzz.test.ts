// Seeded mutation fuzzing of PromQL input (issue 14's fuzz suite): queries from Prometheus's own
// conformance scripts with characters replaced, deleted or inserted are parsed and evaluated
// (instant and range) over a small store; each either answers or fails with one of the engine's
// own errors (400/422 at the HTTP layer), never another exception. A few thousand inputs here;
// `npm run fuzz` runs 100,000 (FUZZ_RUNS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzzRuns, mutateText, random } from '../../../tests/support/fuzz';
import { promqlScriptQueries } from '../../../tests/support/promql-script-queries';
import { evaluateInstant, evaluateRange } from './engine';
import { MemoryQueryable } from './memory-queryable';
import { PromQLParseError, PromQLUnsupportedError, parsePromQL } from './parser';
import { PromQLEvalError } from './values';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const ALPHABET = 'abcxyz_019 .,:=!~"\'`(){}[]+-*/%^<>@#\\\n\ttrue offset by without on ignoring group_left rate sum 5m 1h e+ NaN Inf';

const seeds = (): string[] => promqlScriptQueries(TESTDATA);

test('mutated PromQL queries answer or fail with the engine\'s own errors', async () => {
  const store = new MemoryQueryable();
  store.add({ __name__: 'foo', a: 'b' }, [
    { t: 0, v: 1 },
    { t: 60_000, v: 2 },
  ]);
  store.add({ __name__: 'http_requests_total', job: 'api', le: '0.5' }, [
    { t: 0, v: 3 },
    { t: 60_000, v: 9 },
  ]);
  const base = seeds();
  assert.ok(base.length > 500);
  const runs = fuzzRuns(3_000);
  const next = random(0x5eed_0001);
  const crashes: string[] = [];
  for (let i = 0; i < runs; i++) {
    const input = mutateText(base[Math.floor(next() * base.length)]!, next, ALPHABET);
    try {
      const expr = parsePromQL(input);
      await evaluateInstant(store, expr, 120_000);
      await evaluateRange(store, expr, 0, 120_000, 30_000);
    } catch (error) {
      if (error instanceof PromQLParseError || error instanceof PromQLUnsupportedError || error instanceof PromQLEvalError) continue;
      crashes.push(`${JSON.stringify(input)}: ${String(error)}`);
      if (crashes.length >= 10) break;
    }
  }
  console.log(`# PromQL fuzz: ${runs} mutated queries (seed 0x5eed0001)`);
  assert.deepEqual(crashes, []);
});
