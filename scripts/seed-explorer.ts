// Fills a database with the trace explorer's scenario traces through a collector and the official
// OTLP exporter, for screenshots and manual checks:
//   DATABASE_URL=postgresql://… npx tsx scripts/seed-explorer.ts [--big N]
// prints the trace ids. --big N adds one N-span trace (scripts/bench-data.ts makeBigTrace).
import { makeExporter, exportSpans } from '../tests/support/official-exporters';
import { makeExplorerTraces } from '../tests/support/explorer-traces';
import { startTestCollector } from '../tests/support/test-collector';
import { makeBigTrace } from './bench-data';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('set DATABASE_URL');
  process.exit(2);
}
const bigIndex = process.argv.indexOf('--big');
const big = bigIndex > 0 ? Number(process.argv[bigIndex + 1]) : 0;
const collector = await startTestCollector(databaseUrl);
try {
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  const scenario = makeExplorerTraces();
  await exportSpans(exporter, scenario.spans);
  console.log(JSON.stringify({ fast: scenario.fastId, slow: scenario.slowId, consumer: scenario.consumerId }));
  if (big > 0) {
    const spans = makeBigTrace(big);
    for (let i = 0; i < spans.length; i += 2000) await exportSpans(exporter, spans.slice(i, i + 2000));
    console.log(JSON.stringify({ big: spans[0]!.spanContext().traceId }));
  }
  await exporter.shutdown();
  await collector.flushed();
} finally {
  await collector.stop();
}
