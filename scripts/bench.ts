// `npm run bench`: Meshlight's ingest and query benchmark on the real PostgreSQL.
//  1. sends BENCH_SPANS realistic spans (20 attributes, 512 per request, BENCH_SENDERS concurrent
//     senders) as OTLP/HTTP protobuf to a collector child process and measures sent → committed;
//  2. writes the same rows with a direct COPY into the same tables: the ceiling, and the ratio;
//  3. prints bytes stored per span (table + indexes);
//  4. times GET /api/traces/{id} of a 10k-span trace through the UI server (p50, p95);
//  5. with BENCH_EXPLORER=1, the trace explorer's browser benchmark (scripts/bench-trace-explorer.ts);
//  6. trace search at 1M (and with BENCH_SEARCH_10M=1, 10M) spans (scripts/bench-search.ts);
//  7. metrics: remote_write ingest beside Prometheus 2.42 and the COPY ceiling, bytes per sample,
//     query_range through our storage (scripts/bench-metrics.ts; BENCH_SKIP_METRICS=1 skips it).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { decodeTraceRequestProto } from '../collector/receivers/otlp/decode-trace-proto';
import { createPgExecutor } from '../collector/store/pg-executor';
import { encodeSpanRows, SPAN_COPY_TARGET } from '../collector/store/span-rows';
import { makeBigTrace, makeSpans, toRequests } from './bench-data';
import { runMetricsBench } from './bench-metrics';
import { runLogsBench } from './bench-logs';
import { runPromqlBench } from './bench-promql';
import { runSearchBench } from './bench-search';
import { runServiceGraphBench } from './bench-service-graph';
import { closeSenders, databaseUrl, fmt, resetDatabase, sendOtlp, spansWritten, startCollectorChild, startUiChild } from './bench-support';
import { buildUi, generatePrismaClient, ROOT } from './prepare';

const TOTAL = Number(process.env.BENCH_SPANS ?? 200_000);
const PER_REQUEST = 512;
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const DB_NAME = 'meshlight_bench';
const DB_URL = databaseUrl(DB_NAME);

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

async function waitWritten(port: number, expected: number): Promise<void> {
  while ((await spansWritten(port)) < expected) await new Promise((r) => setTimeout(r, 25));
}

async function storedBytesPerSpan(db: pg.Client): Promise<{ spans: number; bytes: number }> {
  const { rows } = await db.query<{ spans: string; bytes: string }>(
    `SELECT (SELECT count(*) FROM spans) AS spans,
            (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'spans') AS bytes`,
  );
  return { spans: Number(rows[0]!.spans), bytes: Number(rows[0]!.bytes) };
}

async function timeTraceApi(databaseUrl: string, traceId: string): Promise<{ p50: number; p95: number; bytes: number }> {
  buildUi();
  const uiPort = 3999;
  const { child: ui } = await startUiChild(uiPort, { DATABASE_URL: databaseUrl });
  try {
    const traceUrl = `http://127.0.0.1:${uiPort}/api/traces/${traceId}`;
    const first = (await getJson(traceUrl)) as { data: Array<{ spans: unknown[] }> };
    if (first.data[0]?.spans.length !== 10_000) throw new Error(`expected 10,000 spans, got ${first.data[0]?.spans.length}`);
    const timing = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench-http-get.ts'), traceUrl, '5', '30'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (timing.status !== 0) throw new Error(`timing the trace API failed: ${timing.stderr}`);
    return JSON.parse(timing.stdout.trim().split('\n').pop()!) as { p50: number; p95: number; bytes: number };
  } finally {
    ui.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  console.log(`meshlight bench: ${fmt(TOTAL)} spans, ${PER_REQUEST}/request, ${SENDERS} senders, PostgreSQL ${DB_URL.replace(/\/\/[^@]*@/, '//')}`);
  generatePrismaClient();
  await resetDatabase(DB_NAME);
  const spans = makeSpans(TOTAL);
  const requests = toRequests(spans, PER_REQUEST);
  const bigTrace = makeBigTrace(10_000);
  const bigTraceId = bigTrace[0]!.spanContext().traceId;
  const bigRequests = toRequests(bigTrace, PER_REQUEST);
  const payloadBytes = requests.reduce((n, r) => n + r.byteLength, 0);
  console.log(`  payload: ${requests.length} requests, ${fmt(payloadBytes / TOTAL)} bytes/span on the wire`);

  // 1. end to end
  const { child: collector, port: otlpHttpPort } = await startCollectorChild(DB_URL, { MESHLIGHT_SERVICE_GRAPH: process.env.BENCH_GRAPH === 'off' ? 'off' : 'on' });
  await sendOtlp(otlpHttpPort, requests.slice(0, 20), SENDERS); // warm-up: JIT, partitions, dictionaries
  const warm = 20 * PER_REQUEST;
  await waitWritten(otlpHttpPort, Math.min(warm, TOTAL));
  const t0 = performance.now();
  const { retries } = await sendOtlp(otlpHttpPort, requests.slice(20), SENDERS);
  const tAcked = performance.now();
  await waitWritten(otlpHttpPort, TOTAL);
  const tCommitted = performance.now();
  const measured = TOTAL - warm;
  const e2eRate = measured / ((tCommitted - t0) / 1000);
  await sendOtlp(otlpHttpPort, bigRequests, SENDERS);
  await waitWritten(otlpHttpPort, TOTAL + bigTrace.length);

  const db = new pg.Client(DB_URL);
  await db.connect();
  const stored = await storedBytesPerSpan(db);

  // 4. trace query through the UI server (before the COPY step truncates the table)
  const traceApi = process.env.BENCH_SKIP_UI ? undefined : await timeTraceApi(DB_URL, bigTraceId);
  collector.kill('SIGTERM');


  // 2. COPY ceiling: the same rows, the same tables and indexes, as many streams as writers
  const rows = requests.slice(20).map((r) => encodeSpanRows(decodeTraceRequestProto(r)).copyText);
  await db.query('TRUNCATE spans');
  const copier = createPgExecutor(DB_URL, 2);
  const halves = [rows.filter((_, i) => i % 2 === 0).join(''), rows.filter((_, i) => i % 2 === 1).join('')];
  const c0 = performance.now();
  await Promise.all(halves.map((text) => copier.copyFrom(SPAN_COPY_TARGET, text)));
  const copyRate = measured / ((performance.now() - c0) / 1000);
  await copier.close();
  await db.end();

  console.log('');
  console.log('  ingest (OTLP/HTTP protobuf → committed in PostgreSQL)');
  console.log(`    end to end           ${fmt(e2eRate)} spans/s   (acked at ${fmt(measured / ((tAcked - t0) / 1000))}/s, ${retries} 503 retries)`);
  console.log(`    direct COPY ceiling  ${fmt(copyRate)} spans/s   (2 streams, same tables and indexes)`);
  console.log(`    ratio                ${fmt(e2eRate / copyRate, 2)}   (target ≥ 0.30; target ≥ 20,000 spans/s)`);
  console.log(`    stored               ${fmt(stored.bytes / stored.spans)} bytes/span (table + indexes, ${fmt(stored.spans)} spans)`);
  console.log('  query');
  if (traceApi) {
    console.log(
      `    GET /api/traces/{id} 10,000 spans (${fmt(traceApi.bytes / 1e6, 1)} MB): p50 ${fmt(traceApi.p50, 1)} ms, p95 ${fmt(traceApi.p95, 1)} ms (target p50 ≤ 150 ms; ratio ${fmt(traceApi.p50 / 150, 2)})`,
    );
  }
  console.log(`  machine load average (1 min) at start ${fmt(loadAtStart, 2)}, at end ${fmt(os.loadavg()[0]!, 2)} on ${os.cpus().length} cores`);
  closeSenders();
  if (process.env.BENCH_SKIP_GRAPH !== '1') await runServiceGraphBench();
  if (process.env.BENCH_SKIP_PROMQL !== '1') await runPromqlBench();
  if (process.env.BENCH_SKIP_METRICS !== '1') await runMetricsBench();
  if (process.env.BENCH_SKIP_SEARCH !== '1') await runSearchBench();
  if (process.env.BENCH_SKIP_LOGS !== '1') await runLogsBench();
  if (process.env.BENCH_EXPLORER === '1') {
    console.log('');
    const explorer = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench-trace-explorer.ts')], { cwd: ROOT, stdio: 'inherit' });
    if (explorer.status !== 0) throw new Error('the trace explorer benchmark failed');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
