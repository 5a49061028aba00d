// Benchmark of the logs write path below HTTP, as the target describes it: OTLP protobuf
// requests of 512 records (150-byte bodies, 8 attributes) made by the official logs SDK serializer,
// decoded, encoded to COPY rows and written by LogStore into a scratch PostgreSQL database; beside
// it a direct COPY of the same rows (ratio = path / COPY). Prints bytes on disk per record (heap +
// every index of the day's partition, TOAST included) and the table's index sizes.
// Then end to end: the same requests POSTed to /v1/logs of an in-process collector (HTTP, generic
// pipeline, writers) by 4 concurrent senders, timed until every record is written.
//   npx tsx scripts/bench-logs.ts [requests] [requestsPerWrite]
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { decodeLogsRequestProto } from '../collector/receivers/otlp/decode-logs-proto';
import { createLogPartitions } from '../collector/store/log-partitions';
import { LOG_COPY_TARGET, encodeLogRows, mergeLogRows, type LogRows } from '../collector/store/log-rows';
import { DictionaryWriter } from '../collector/store/dictionary-writer';
import { LogStore } from '../collector/store/log-store';
import { createPgExecutor } from '../collector/store/pg-executor';
import { applyMigrations } from '../lib/db/migrator';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../collector/collector';
import { createLogger } from '../collector/logger';
import { readCollectorConfig } from '../lib/contracts/collector-config';
import { databaseUrl, fmt, resetDatabase } from './bench-support';

const REQUESTS = Number(process.argv[2] ?? 200);
const PER_WRITE = Number(process.argv[3] ?? 8);
const RECORDS = 512;

const WORDS = ['order', 'payment', 'declined', 'checkout', 'inventory', 'reserved', 'timeout', 'retry', 'customer', 'shipped', 'card', 'warehouse'];

function makeRequests(count: number, startMs: number): Uint8Array[] {
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

async function main(): Promise<void> {
  const nowMs = Date.now();
  const requests = makeRequests(REQUESTS, nowMs - 3_600_000);
  const total = REQUESTS * RECORDS;
  const wireBytes = requests.reduce((n, r) => n + r.length, 0);
  console.log(`${fmt(REQUESTS)} OTLP protobuf requests × ${RECORDS} records, ${fmt(wireBytes / total)} wire bytes/record`);

  let t = process.hrtime.bigint();
  const rows: LogRows[] = requests.map((bytes) => encodeLogRows(decodeLogsRequestProto(bytes, { receivedNs: BigInt(nowMs) * 1_000_000n })));
  const decodeSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`decode + encode rows      ${fmt(total / decodeSeconds).padStart(10)} records/s (one core)`);

  let directCopyRate = 0;
  for (const mode of ['LogStore (decode+encode+write)', 'direct COPY of the same rows'] as const) {
    const name = mode.startsWith('LogStore') ? 'meshlight_bench_logs_store' : 'meshlight_bench_logs_copy';
    await resetDatabase(name);
    const db = createPgExecutor(databaseUrl(name), 2);
    try {
      await applyMigrations(db);
      const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 });
      await partitions.ensureUpcoming();
      await partitions.ensureDays(rows[0]!.days);
      const store = new LogStore(db, partitions);
      const batches: LogRows[] = [];
      for (let i = 0; i < rows.length; i += PER_WRITE) batches.push(mergeLogRows(rows.slice(i, i + PER_WRITE)));
      // The direct COPY needs the dictionary rows too; written before timing, as LogStore skips
      // rows it already wrote after the first batch anyway.
      if (!mode.startsWith('LogStore')) {
        const dictionary = new DictionaryWriter();
        for (const batch of batches) await dictionary.write(db, dictionary.due(batch.resources.values(), batch.scopes.values()));
      }
      t = process.hrtime.bigint();
      if (mode.startsWith('LogStore')) {
        for (let i = 0; i < requests.length; i += PER_WRITE) {
          const part = requests.slice(i, i + PER_WRITE).map((bytes) => encodeLogRows(decodeLogsRequestProto(bytes, { receivedNs: BigInt(nowMs) * 1_000_000n })));
          await store.write(mergeLogRows(part));
        }
      } else {
        for (const batch of batches) await db.copyFrom(LOG_COPY_TARGET, batch.copyText);
      }
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      console.log(`${mode.padEnd(32)} ${fmt(total / seconds).padStart(10)} records/s (${PER_WRITE * RECORDS} records per COPY)`);
      if (!mode.startsWith('LogStore')) directCopyRate = total / seconds;
      const size = await db.query<{ part: string; bytes: string; heap: string; n: string }>(
        `SELECT c.relname AS part, pg_total_relation_size(c.oid)::text AS bytes, pg_table_size(c.oid)::text AS heap,
                (SELECT count(*) FROM logs)::text AS n
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname = 'logs' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 1`,
      );
      const s = size[0]!;
      console.log(
        `  on disk: ${fmt(Number(s.bytes) / Number(s.n))} bytes/record total (${fmt(Number(s.heap) / Number(s.n))} heap + toast, rest indexes) in ${s.part}`,
      );
      if (mode.startsWith('LogStore')) {
        const indexes = await db.query<{ name: string; bytes: string }>(
          `SELECT c.relname AS name, pg_relation_size(c.oid)::text AS bytes FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE x.indrelid = (SELECT oid FROM pg_class WHERE relname = $1) ORDER BY 2 DESC`,
          [s.part],
        );
        for (const index of indexes) console.log(`    ${index.name.padEnd(48)} ${fmt(Number(index.bytes) / Number(s.n)).padStart(5)} bytes/record`);
      }
    } finally {
      await db.close();
    }
  }
  await endToEnd(requests, total, directCopyRate);
}

async function endToEnd(requests: Uint8Array[], total: number, directCopyRate: number): Promise<void> {
  const name = 'meshlight_bench_logs_e2e';
  await resetDatabase(name);
  const collector = await startCollector(
    { ...readCollectorConfig({}), databaseUrl: databaseUrl(name), dataDir: mkdtempSync(path.join(os.tmpdir(), 'meshlight-bench-')), httpPort: 0, grpcPort: 0, selfTraceRatio: 0 },
    createLogger('bench', true),
  );
  try {
    const url = `http://127.0.0.1:${collector.httpPort}/v1/logs`;
    let next = 0;
    let retries = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < requests.length) {
          const body = requests[next++]!;
          for (;;) {
            const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(body) });
            await response.arrayBuffer();
            if (response.status === 200) break;
            if (response.status !== 503 && response.status !== 429) throw new Error(`collector answered ${response.status}`);
            retries++;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      }),
    );
    if (!(await collector.flushed(300_000))) throw new Error('not flushed');
    const rate = total / (Number(process.hrtime.bigint() - start) / 1e9);
    console.log(`end to end (HTTP → pipeline → COPY) ${fmt(rate).padStart(10)} records/s, ${retries} retries; ratio to direct COPY ${(rate / directCopyRate).toFixed(2)}`);
  } finally {
    await collector.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
