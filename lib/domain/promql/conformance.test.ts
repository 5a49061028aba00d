// PromQL conformance: replays Prometheus's own engine test scripts (testdata/*.test, copied from
// prometheus/prometheus promql/promqltest/testdata) against our evaluator over an in-memory store,
// prints passes per file and fails if a file drops below the floor reached so far. Cases needing
// native histograms are skipped (see promql-script.ts). Set PROMQL_CONFORMANCE_VERBOSE=1 to list failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript } from './promql-script';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Passing eval cases per file (regression floor), as reached when the file was last improved. */
const FLOORS: Record<string, number> = {
  aggregators: 154,
  at_modifier: 78,
  collision: 2,
  functions: 378,
  histograms: 93,
  limit: 15,
  literals: 25,
  name_label_dropping: 30,
  operators: 207,
  range_queries: 17,
  selectors: 31,
  staleness: 17,
  subquery: 32,
  trig_functions: 19,
};

for (const [file, floor] of Object.entries(FLOORS)) {
  test(`promql conformance: ${file}`, async () => {
    const results = await runScript(readFileSync(path.join(TESTDATA, `${file}.test`), 'utf8'));
    const passed = results.filter((r) => r.status === 'pass').length;
    const skipped = results.filter((r) => r.status === 'skip').length;
    const failed = results.filter((r) => r.status === 'fail');
    console.log(`${file}: ${passed}/${results.length - skipped} (${skipped} native-histogram cases skipped)`);
    if (process.env.PROMQL_CONFORMANCE_VERBOSE) {
      for (const f of failed) console.log(`  line ${f.line}: ${f.query}\n    ${f.reason}`);
    }
    assert.ok(passed >= floor, `${file}: ${passed} passing cases, floor is ${floor}; failures:\n${failed.map((f) => `line ${f.line}: ${f.query} — ${f.reason}`).join('\n')}`);
  });
}
