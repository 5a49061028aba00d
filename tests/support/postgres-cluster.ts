// Throw-away PostgreSQL 15 clusters for the scaling tests: a small primary made with initdb and a
// streaming replica of it made with `pg_basebackup -R`, each on a free port with its socket in /tmp,
// run as the `postgres` user (PostgreSQL refuses root). Copying the shared server on 5432 instead
// would copy every other test's databases (gigabytes); the procedure against it is in docs/scaling.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ui-server';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Why these tests cannot run here, or undefined when they can. */
export function clusterUnavailable(): string | undefined {
  if (!existsSync(path.join(PG_BIN, 'pg_ctl'))) return `PostgreSQL 15 binaries not found in ${PG_BIN}`;
  if (process.getuid?.() !== 0) return 'needs root to run PostgreSQL as the postgres user (runuser)';
  return undefined;
}

function asPostgres(command: string, args: string[]): string {
  return execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, command), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Cluster {
  dir: string;
  port: number;
  url(database?: string): string;
  stop(): void;
  /** Stops the server with `pg_ctl -m immediate`: no checkpoint, every client cut, as a crash. */
  crash(): void;
  /** Starts the server again on the same port after crash() (crash recovery replays its WAL). */
  restart(): void;
}

function postgresDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  execFileSync('chown', ['postgres:postgres', dir]);
  return dir;
}

function start(dir: string, port: number, options: string): Cluster {
  const run = () => asPostgres('pg_ctl', ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 ${options}`, 'start']);
  run();
  return {
    dir,
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    crash: () => void asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']),
    restart: () => void run(),
    stop() {
      try {
        asPostgres('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh primary (trust auth, replication allowed from 127.0.0.1 as initdb's defaults do). */
export async function startPrimary(options: { fsync?: boolean } = {}): Promise<Cluster> {
  const dir = postgresDir('meshlight-primary-');
  asPostgres('initdb', ['-D', dir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  return start(dir, await freePort(), `-c wal_level=replica -c max_wal_senders=4 -c fsync=${options.fsync ? 'on' : 'off'} -c shared_buffers=32MB`);
}

/**
 * A streaming replica of `primary`: `pg_basebackup -R` (standby.signal + primary_conninfo), hot
 * standby. With a fast checkpoint, or the backup first waits out a spread one (a minute and more).
 */
export async function startReplica(primary: Cluster): Promise<Cluster> {
  const dir = postgresDir('meshlight-replica-');
  asPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
  return start(dir, await freePort(), '-c hot_standby=on -c fsync=off -c shared_buffers=32MB');
}
