// Benchmark of the logs write path, as the target describes it: OTLP protobuf requests of
// 512 records (150-byte bodies, 8 attributes) made by the official logs SDK serializer.
//   1. decode + encode to COPY rows on one core (with the common terms learned in a warm-up pass, as
//      a running collector has them: those terms are left out of the full-text index);
//   2. a direct COPY of the same rows into a scratch database, in as many streams as the collector
//      has writers (2) and as many records per COPY as its batches (8,192): the ceiling;
//   3. end to end: the requests POSTed to /v1/logs of a collector process (collector/main.ts, as
//      deployed: HTTP, generic pipeline, writers) by 4 concurrent senders in this process, after 20
//      warm-up requests, timed until its /health counts every record committed; the ratio to 2. is
//      the "≥ 0.5". CPU per record is read from /proc for PostgreSQL, the collector and the
//      senders apart;
//   4. bytes on disk per record (heap + TOAST + every index of the day's partition) and per index.
// `npm run bench` runs it (BENCH_SKIP_LOGS=1 skips); alone:
//   npx tsx scripts/bench-logs.ts [requests]      (default 400 requests, 204,800 records)
import os from 'node:os';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { decodeLogsRequestProto } from '../collector/receivers/otlp/decode-logs-proto';
import { CommonTermLearner } from '../lib/domain/logs/log-terms';
import { createLogPartitions } from '../collector/store/log-partitions';
import { LOG_COPY_TARGET, encodeLogRows, mergeLogRows, type LogRows } from '../collector/store/log-rows';
import type { SqlExecutor } from '../collector/store/sql-executor';
import { DictionaryWriter } from '../collector/store/dictionary-writer';
import { createPgExecutor } from '../collector/store/pg-executor';
import { applyMigrations } from '../lib/db/migrator';
import { printLogsQuery, runLogsQueryBench } from './bench-logs-query';
import { closeSenders, cpuSeconds, databaseUrl, fmt, postgresCpuSeconds, resetDatabase, sendRequests, signalWritten, startCollectorChild, stopChild, type IngestRoute } from './bench-support';

const RECORDS = 512;
/** Requests per direct COPY: 16 × 512 = the collector's 8,192-item batches. */
const PER_COPY = 16;
const STREAMS = 2;
const OTLP_LOGS: IngestRoute = { path: '/v1/logs', headers: { 'content-type': 'application/x-protobuf' }, accepted: [200] };

const WORDS = ['order', 'payment', 'declined', 'checkout', 'inventory', 'reserved', 'timeout', 'retry', 'customer', 'shipped', 'card', 'warehouse'];

export function makeRequests(count: number, startMs: number): Uint8Array[] {
  const requests: Uint8Array[] = [];
  for (let r = 0; r < count; r++) {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': `svc-${r % 5}`, 'host.name': 'bench-1' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('bench', '1.0.0');
    for (let i = 0; i < RECORDS; i++) {
      const n = r * RECORDS + i;
      let body = `${WORDS[n % 12]} ${WORDS[(n * 7) % 12]} id=${n.toString(36)} `;
      while (body.length < 150) body += `${WORDS[(n + body.length) % 12]} `;
      logger.emit({
        timestamp: startMs + n,
        severityNumber: [9, 9, 9, 13, 17, 5][n % 6],
        severityText: ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'][n % 6],
        body: body.slice(0, 150),
        attributes: {
          'http.route': `/api/${WORDS[n % 12]}`,
          'http.status_code': 200 + (n % 5),
          'user.id': `u-${n % 1000}`,
          'order.id': `o-${n}`,
          correlation_id: `c-${Math.floor(n / 4)}`,
          'duration.ms': (n % 1000) / 10,
          retry: n % 9 === 0,
          region: ['eu', 'us', 'ap'][n % 3]!,
        },
      });
    }
    requests.push(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
  }
  return requests;
}

export interface LogsIngestFigures {
  records: number;
  wireBytesPerRecord: number;
  /** Terms the warm-up pass learned as common (left out of the index in 1. and 2.). */
  commonTerms: number;
  decodeEncodePerSecond: number;
  directCopyPerSecond: number;
  endToEndPerSecond: number;
  /** CPU per record: PostgreSQL's in the direct COPY and end to end, the collector process's and the senders' (this process) end to end. */
  cpuUs: { copyPostgres: number; endToEndPostgres: number; endToEndCollector: number; endToEndSenders: number };
  retries: number;
  bytesPerRecord: number;
  heapBytesPerRecord: number;
  indexBytesPerRecord: Array<{ name: string; bytes: number }>;
}

const INGEST_DB = 'meshlight_bench_logs_ingest';

async function storedBytes(db: SqlExecutor): Promise<Pick<LogsIngestFigures, 'bytesPerRecord' | 'heapBytesPerRecord' | 'indexBytesPerRecord'>> {
  const size = await db.query<{ part: string; bytes: string; heap: string; n: string }>(
    `SELECT c.relname AS part, pg_total_relation_size(c.oid)::text AS bytes, pg_table_size(c.oid)::text AS heap,
            (SELECT count(*) FROM logs)::text AS n
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'logs' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 1`,
  );
  const s = size[0]!;
  const n = Number(s.n);
  const indexes = await db.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_relation_size(c.oid)::text AS bytes FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = (SELECT oid FROM pg_class WHERE relname = $1) ORDER BY pg_relation_size(c.oid) DESC`,
    [s.part],
  );
  return {
    bytesPerRecord: Number(s.bytes) / n,
    heapBytesPerRecord: Number(s.heap) / n,
    indexBytesPerRecord: indexes.map((index) => ({ name: index.name.replace(/^logs_p\d+_/, ''), bytes: Number(index.bytes) / n })),
  };
}

/** A scratch database with the migrations applied and the partitions of the records' days. */
async function freshDatabase(days: Iterable<number>): Promise<SqlExecutor> {
  await resetDatabase(INGEST_DB);
  const db = createPgExecutor(databaseUrl(INGEST_DB), STREAMS + 1);
  await applyMigrations(db);
  const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 });
  await partitions.ensureUpcoming();
  await partitions.ensureDays(days);
  return db;
}

export async function runLogsIngestBench(requestCount = Number(process.env.BENCH_LOGS_REQUESTS ?? 400)): Promise<LogsIngestFigures> {
  const nowMs = Date.now();
  const requests = makeRequests(requestCount, nowMs - 3_600_000);
  const total = requestCount * RECORDS;
  const wireBytes = requests.reduce((n, r) => n + r.length, 0);
  const receivedNs = BigInt(nowMs) * 1_000_000n;

  // 1. decode + encode, one core, after a warm-up pass (a running collector's code is optimized and
  // has learned the common terms; here a term is adopted as soon as it is proposed)
  const learner: CommonTermLearner = new CommonTermLearner((terms) => learner.adopt(terms));
  for (const bytes of requests.slice(0, 20)) encodeLogRows(decodeLogsRequestProto(bytes, { receivedNs }), learner);
  let t = process.hrtime.bigint();
  const rows: LogRows[] = requests.map((bytes) => encodeLogRows(decodeLogsRequestProto(bytes, { receivedNs }), learner));
  const decodeEncodePerSecond = total / (Number(process.hrtime.bigint() - t) / 1e9);

  // 2. direct COPY, as many streams as writers, as many records per COPY as a batch
  const batches: LogRows[] = [];
  for (let i = 0; i < rows.length; i += PER_COPY) batches.push(mergeLogRows(rows.slice(i, i + PER_COPY)));
  let db = await freshDatabase(batches[0]!.days);
  let directCopyPerSecond: number;
  let copyPostgresUs: number;
  try {
    const dictionary = new DictionaryWriter();
    for (const batch of batches) await dictionary.write(db, dictionary.due(batch.resources.values(), batch.scopes.values()));
    let next = 0;
    const pg0 = postgresCpuSeconds(INGEST_DB);
    t = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        while (next < batches.length) await db.copyFrom(LOG_COPY_TARGET, batches[next++]!.copyBytes);
      }),
    );
    directCopyPerSecond = total / (Number(process.hrtime.bigint() - t) / 1e9);
    copyPostgresUs = ((postgresCpuSeconds(INGEST_DB) - pg0) * 1e6) / total;
  } finally {
    await db.close();
  }

  // 3. end to end through the collector, into a fresh database
  await resetDatabase(INGEST_DB);
  const { rate: endToEndPerSecond, retries, postgresUs, collectorUs, sendersUs } = await endToEnd(requests);

  // 4. what the end-to-end run left on disk
  db = createPgExecutor(databaseUrl(INGEST_DB), 1);
  try {
    const stored = await storedBytes(db);
    return { records: total, wireBytesPerRecord: wireBytes / total, commonTerms: learner.common.size, decodeEncodePerSecond, directCopyPerSecond, endToEndPerSecond, retries, cpuUs: { copyPostgres: copyPostgresUs, endToEndPostgres: postgresUs, endToEndCollector: collectorUs, endToEndSenders: sendersUs }, ...stored };
  } finally {
    await db.close();
  }
}

/** Requests sent before the measured ones: JIT, partitions, dictionaries and the common terms warmed. */
const WARM_UP_REQUESTS = 20;

async function endToEnd(requests: Uint8Array[]): Promise<{ rate: number; retries: number; postgresUs: number; collectorUs: number; sendersUs: number }> {
  // The collector as deployed, in its own process (as the spans' and metrics' benches run it): the
  // senders here would otherwise share its event loop, and their CPU would count as its own.
  const { child, port } = await startCollectorChild(databaseUrl(INGEST_DB));
  try {
    const warm = requests.slice(0, WARM_UP_REQUESTS);
    const measured = requests.slice(WARM_UP_REQUESTS);
    await sendRequests(port, warm, 4, OTLP_LOGS);
    await committed(port, warm.length * RECORDS);
    const total = measured.length * RECORDS;
    const pg0 = postgresCpuSeconds(INGEST_DB);
    const collector0 = cpuSeconds(child.pid);
    const senders0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const { retries } = await sendRequests(port, measured, 4, OTLP_LOGS);
    await committed(port, requests.length * RECORDS);
    const rate = total / (Number(process.hrtime.bigint() - start) / 1e9);
    const senders = process.cpuUsage(senders0);
    return {
      rate,
      retries,
      postgresUs: ((postgresCpuSeconds(INGEST_DB) - pg0) * 1e6) / total,
      collectorUs: ((cpuSeconds(child.pid) - collector0) * 1e6) / total,
      sendersUs: (senders.user + senders.system) / total,
    };
  } finally {
    closeSenders();
    await stopChild(child);
  }
}

/** Waits until the collector has committed `records` log records (its /health). */
async function committed(port: number, records: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((await signalWritten(port, 'logs')) < records) {
    if (Date.now() > deadline) throw new Error('not flushed');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function printLogsIngest(f: LogsIngestFigures): void {
  console.log(`  ingest: ${fmt(f.records)} records in OTLP protobuf requests of ${RECORDS} (150-byte bodies, 8 attributes), ${fmt(f.wireBytesPerRecord)} wire bytes/record`);
  console.log(`    decode + encode       ${fmt(f.decodeEncodePerSecond).padStart(8)} records/s (one core; ${f.commonTerms} common terms learned, not indexed)`);
  console.log(`    direct COPY ceiling   ${fmt(f.directCopyPerSecond).padStart(8)} records/s (${STREAMS} streams × ${fmt(PER_COPY * RECORDS)} records, same table and indexes)`);
  console.log(
    `    end to end            ${fmt(f.endToEndPerSecond).padStart(8)} records/s (HTTP → pipeline → COPY, ${f.retries} 503 retries); ` +
      `ratio to COPY ${fmt(f.endToEndPerSecond / f.directCopyPerSecond, 2)} (target ≥ 0.5); ${fmt(f.endToEndPerSecond / 50_000, 2)} of the 50,000/s target`,
  );
  console.log(
    `    CPU per record        PostgreSQL ${fmt(f.cpuUs.copyPostgres, 1)} µs in the direct COPY, ${fmt(f.cpuUs.endToEndPostgres, 1)} µs end to end; ` +
      `collector ${fmt(f.cpuUs.endToEndCollector, 1)} µs and senders ${fmt(f.cpuUs.endToEndSenders, 1)} µs end to end`,
  );
  console.log(`    on disk               ${fmt(f.bytesPerRecord).padStart(8)} bytes/record (${fmt(f.heapBytesPerRecord)} heap + TOAST, the rest indexes:)`);
  for (const index of f.indexBytesPerRecord) console.log(`      ${index.name.padEnd(40)} ${fmt(index.bytes).padStart(5)} bytes/record`);
}

/** `npm run bench`'s logs section: ingest, then queries; skipped with BENCH_SKIP_LOGS=1. */
export async function runLogsBench(): Promise<void> {
  console.log('');
  console.log(`logs (issue 11); load average (1 min) at start ${fmt(os.loadavg()[0]!, 2)} on ${os.cpus().length} cores`);
  printLogsIngest(await runLogsIngestBench());
  printLogsQuery(await runLogsQueryBench());
  console.log(`  load average (1 min) at end ${fmt(os.loadavg()[0]!, 2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runLogsIngestBench(Number(process.argv[2] ?? 400))
    .then(printLogsIngest)
    .then(() => console.log(`  load average (1 min) ${fmt(os.loadavg()[0]!, 2)} on ${os.cpus().length} cores`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
