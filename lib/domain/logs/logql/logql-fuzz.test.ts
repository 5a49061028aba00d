// Seeded mutation fuzzing of LogQL input (issue 14's fuzz suite): log and metric queries with
// characters replaced, deleted or inserted are parsed and evaluated over a few lines; each either
// answers or fails with a LogQLError (a 400 at the HTTP layer), never another exception. A few
// thousand inputs here; `npm run fuzz` runs 100,000 (FUZZ_RUNS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzRuns, mutateText, random } from '../../../../tests/support/fuzz';
import { LogQLError } from './ast';
import { evaluateLogs, evaluateMetric, streamLabels, type LogLine } from './evaluate';
import { parseLogQL } from './parse';

const s = (sec: number) => BigInt(sec) * 1_000_000_000n;
const api = streamLabels('api', { 'deployment.environment': 'prod' });
const LINES: LogLine[] = [
  { timeNs: s(0), labels: api, line: '{"level":"info","msg":"start","user":{"id":"u1"}}' },
  { timeNs: s(10), labels: api, line: '{"level":"error","msg":"payment failed","status":502}' },
  { timeNs: s(20), labels: api, line: 'level=warn msg="slow cart" items=12' },
];
const SEEDS = [
  '{service_name="api"}',
  '{service_name=~"a.*", env!="dev"} |= "error" != "debug"',
  '{service_name="api"} |~ "pay(ment)?" | json | status >= 500',
  '{service_name="api"} | logfmt | items > 10 | line_format "{{.msg}}"',
  '{service_name="api"} | json | level="error" | label_format lvl=level',
  'sum by (service_name) (count_over_time({service_name="api"} |= "error" [5m]))',
  'rate({service_name="api"}[1m])',
  'sum(bytes_over_time({service_name=~".+"} | json [10m]))',
  'avg by (level) (count_over_time({service_name="api"} | json [30s]))',
  '{service_name="api"} !~ "^(GET|POST) /health" | regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"',
];
const ALPHABET = 'abcxyz_019 .,:=!~|"`(){}[]+-*/<>\\\n\tjson logfmt sum by without rate count_over_time 5m 1h';

test('mutated LogQL queries answer or fail with a LogQLError', () => {
  const runs = fuzzRuns(3_000);
  const next = random(0x5eed_0002);
  const crashes: string[] = [];
  for (let i = 0; i < runs; i++) {
    const input = mutateText(SEEDS[Math.floor(next() * SEEDS.length)]!, next, ALPHABET);
    try {
      const parsed = parseLogQL(input);
      if (parsed.kind === 'log') evaluateLogs(parsed.expr, LINES, 100, 'backward');
      else evaluateMetric(parsed.expr, LINES, s(0), s(60), s(15));
    } catch (error) {
      if (error instanceof LogQLError) continue;
      crashes.push(`${JSON.stringify(input)}: ${String(error)}`);
      if (crashes.length >= 10) break;
    }
  }
  console.log(`# LogQL fuzz: ${runs} mutated queries (seed 0x5eed0002)`);
  assert.deepEqual(crashes, []);
});
