// Collector and query API through PgBouncer in transaction pooling mode: two collectors start
// together through it (migrations under pg_advisory_xact_lock, which transaction pooling keeps
// intact, unlike a session lock and its unlock on different server connections), write spans with
// COPY, and the query API reads them back through it (Prisma's adapter and pg use unnamed
// statements, which transaction pooling allows; the installed PgBouncer's version is printed).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GET as getGraph } from '../../app/api/service-graph/route';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { disconnectDb, getDb } from '../../lib/db/prisma';
import { postTrace, simpleTrace } from '../support/otlp-json';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { freePort } from '../support/ui-server';

const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));
const unavailable = !PGBOUNCER
  ? 'pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it)'
  : process.getuid?.() !== 0
    ? 'needs root to run pgbouncer as the postgres user'
    : undefined;

let database: ScratchDatabase | undefined;
let bouncer: ChildProcess | undefined;
let dir: string | undefined;
let bouncerUrl = '';

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket.end() && true)).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('pgbouncer did not listen');
}

before(async () => {
  if (unavailable) return;
  console.log(execFileSync(PGBOUNCER!, ['--version'], { encoding: 'utf8' }).split('\n')[0]);
  database = await createScratchDatabase('meshlight_pgbouncer');
  const port = await freePort();
  dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-pgbouncer-'));
  chmodSync(dir, 0o755);
  execFileSync('chown', ['postgres:postgres', dir]);
  writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    `[databases]
${database.name} = host=127.0.0.1 port=5432 dbname=${database.name}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${dir}/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 8
ignore_startup_parameters = extra_float_digits,options
logfile = ${dir}/pgbouncer.log
`,
  );
  bouncer = spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER!, path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore', detached: true });
  await listening(port);
  bouncerUrl = `postgresql://postgres@127.0.0.1:${port}/${database.name}`;
  process.env.DATABASE_URL = bouncerUrl;
  delete process.env.DATABASE_READ_URL;
});

after(async () => {
  await disconnectDb();
  if (bouncer?.pid) {
    try {
      process.kill(-bouncer.pid, 'SIGTERM');
    } catch {
      bouncer.kill('SIGTERM');
    }
  }
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('collectors and the query API work through PgBouncer in transaction pooling mode', { skip: unavailable }, async () => {
  // Two collectors at once through the pooler: migrations race under the transaction-level lock.
  const collectors = await Promise.all([startTestCollector(bouncerUrl), startTestCollector(bouncerUrl)]);
  try {
    const traces = [simpleTrace(), simpleTrace(), simpleTrace()];
    for (const [i, trace] of traces.entries()) await postTrace(collectors[i % 2]!.httpPort, trace);
    for (const c of collectors) assert.ok(await c.flushed(), 'spans written through PgBouncer (COPY)');
    for (const c of collectors) await c.serviceGraph!.flush({ expirePending: true });

    const { rows } = await getDb().pool.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    const { rows: distinct } = await getDb().pool.query<{ n: string }>('SELECT count(DISTINCT migration_name) AS n FROM "_prisma_migrations"');
    assert.equal(rows[0]!.n, distinct[0]!.n, 'each migration applied once');

    // The same queries many times over pooled server connections (no named prepared statements).
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        traces.map(async (trace) => {
          const response = await getTrace(new Request(`http://meshlight.test/api/traces/${trace.traceId}`), { params: Promise.resolve({ traceId: trace.traceId }) });
          assert.equal(response.status, 200, await response.clone().text());
          const body = await response.text();
          for (const spanId of trace.spanIds) assert.ok(body.includes(spanId));
        }),
      );
    }
    const graph = await getGraph(new Request('http://meshlight.test/api/service-graph?lookback=1h'), { params: Promise.resolve({}) });
    assert.equal(graph.status, 200, await graph.clone().text());
    const text = await graph.text();
    assert.ok(text.includes('service:frontend') && text.includes('service:checkout'), text.slice(0, 400));
  } finally {
    await Promise.all(collectors.map((c) => c.stop()));
  }
});
