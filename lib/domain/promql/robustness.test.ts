// Bad input never crashes the engine: every query from the conformance scripts, cut at several
// offsets, either parses and evaluates or fails with one of the engine's own errors (which the HTTP
// layer maps to 400/422), never a TypeError or the like.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promqlScriptQueries } from '../../../tests/support/promql-script-queries';
import { evaluateInstant, evaluateRange } from './engine';
import { MemoryQueryable } from './memory-queryable';
import { PromQLParseError, PromQLUnsupportedError, parsePromQL } from './parser';
import { PromQLEvalError } from './values';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

const scriptQueries = (): string[] => promqlScriptQueries(TESTDATA);

test('truncated queries fail with engine errors, never crash', async () => {
  const store = new MemoryQueryable();
  store.add({ __name__: 'foo', a: 'b' }, [
    { t: 0, v: 1 },
    { t: 60_000, v: 2 },
  ]);
  const queries = scriptQueries();
  assert.ok(queries.length > 500);
  const crashes: string[] = [];
  for (const q of queries.filter((_, i) => i % 6 === 0)) {
    const variants = [q];
    for (let i = 1; i < q.length; i += Math.max(1, Math.floor(q.length / 6))) variants.push(q.slice(0, i), q.slice(i));
    for (const v of variants) {
      try {
        const e = parsePromQL(v);
        await evaluateInstant(store, e, 120_000);
        await evaluateRange(store, e, 0, 120_000, 30_000).catch((err: unknown) => {
          if (!(err instanceof PromQLEvalError)) throw err;
        });
      } catch (err) {
        if (err instanceof PromQLParseError || err instanceof PromQLUnsupportedError || err instanceof PromQLEvalError) continue;
        crashes.push(`${JSON.stringify(v)}: ${String(err)}`);
      }
    }
  }
  assert.deepEqual(crashes, []);
});
