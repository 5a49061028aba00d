// The distinct queries of Prometheus's PromQL test scripts (`eval instant at …` / `eval range from …`
// lines, FORMAT.md) in a testdata folder: inputs for the engine's robustness and fuzz tests.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const EVAL = /^eval\S*\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/;

export function promqlScriptQueries(testdata: string): string[] {
  const out = new Set<string>();
  for (const file of readdirSync(testdata).filter((f) => f.endsWith('.test'))) {
    for (const line of readFileSync(path.join(testdata, file), 'utf8').split('\n')) {
      const m = EVAL.exec(line.trim());
      if (m) out.add(m[1]!);
    }
  }
  return [...out];
}
