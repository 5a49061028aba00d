// "Linked from": spans of other traces whose links point at a span, found through the partial
// GIN index on spans.links (prisma/migrations/20261121080000_span_links_index), on the real
// PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getDb } from '../../lib/db/prisma';
import { findLinkingSpans } from '../../lib/db/trace-explorer-queries';
import { createSpansPartition, insertSpans } from '../support/insert-spans';
import { useQueryDatabase } from '../support/query-database';
import { makeSyntheticTrace } from '../support/synthetic-trace';

const DAY_NS = 86_400_000_000_000n;
const DAY_START_NS = 1_732_147_200_000_000_000n;
const producer = makeSyntheticTrace({ spanCount: 5, startNs: DAY_START_NS + 1_000_000_000n, seed: 1 });
const message = producer.spans[3]!;
/** Two consumer traces link to the message's span; a third links elsewhere. */
const consumers = [2, 3, 4].map((seed, i) => {
  const trace = makeSyntheticTrace({ spanCount: 3, startNs: DAY_START_NS + 2_000_000_000n + BigInt(i), seed });
  const target = i < 2 ? message : producer.spans[1]!;
  trace.spans[1]!.links = [{ traceId: producer.traceId, spanId: target.spanId, traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 }];
  return trace;
});

useQueryDatabase('meshlight_linked_from', async (client) => {
  await createSpansPartition(client, 'spans_plinks', DAY_START_NS, DAY_START_NS + DAY_NS);
  for (const trace of [producer, ...consumers]) await insertSpans(client, trace.spans);
  // Many spans without links, so that a scan would be the costly choice.
  for (let seed = 10; seed < 60; seed++) {
    await insertSpans(client, makeSyntheticTrace({ spanCount: 40, startNs: DAY_START_NS + BigInt(seed) * 1_000_000_000n, seed }).spans);
  }
  await client.query('ANALYZE spans');
});

test('spans linking to a span are found, and only those', async () => {
  const found = await findLinkingSpans(producer.traceId, message.spanId, message.startNs);
  assert.deepEqual(
    found.map((span) => `${span.traceId}/${span.spanId}`).sort(),
    consumers.slice(0, 2).map((trace) => `${trace.traceId}/${trace.spans[1]!.spanId}`).sort(),
  );
  assert.deepEqual(await findLinkingSpans(producer.traceId, message.spanId, message.startNs + 2n * 3_600_000_000_000n), [], 'outside the window');
});

test('the lookup reads the partial index on links, not every span of the window', async () => {
  const plan = await getDb().pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT 1 FROM spans s WHERE s.links @> $1::jsonb AND s.start_ns BETWEEN $2::bigint AND $3::bigint LIMIT 20`,
    [JSON.stringify([{ trace_id: producer.traceId, span_id: message.spanId }]), (DAY_START_NS).toString(), (DAY_START_NS + DAY_NS - 1n).toString()],
  );
  assert.match(plan.rows.map((row) => row['QUERY PLAN']).join('\n'), /links_idx/);
});
