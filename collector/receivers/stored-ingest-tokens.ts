// Ingest tokens created at runtime through the UI (/api/ingest-tokens, table ingest_tokens), read by
// every collector replica on its own every few seconds: a new token is accepted, a revoked one
// refused, within one poll, on every replica, with no coordination (a poll is one SELECT). Only
// SHA-256 hashes are stored and compared.
//
// Once the table has any row (revoked ones included), ingest needs a token: revoking the last one
// does not quietly open the receivers to everyone again.
//
// A replica remembers the last hashes it read in <data dir>/ingest-tokens.json, so one that starts
// while the database is down keeps refusing what it refused before (and accepting what it
// accepted) instead of starting open. The time a token was last used is written back with the
// next poll, at most once per poll per token.
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SqlExecutor } from '../store/sql-executor';

export const STORED_TOKENS_POLL_MS = 2000;

const cacheSchema = z.object({ anyRow: z.boolean(), active: z.array(z.string().regex(/^[0-9a-f]{64}$/)) });

interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

export interface StoredIngestTokensOptions {
  /** Where the last hashes read are kept between runs; undefined: not kept. */
  cacheFile?: string;
  pollMs?: number;
  log?: Logger;
}

export class StoredIngestTokens {
  private active: Buffer[] = [];
  private activeHex = new Set<string>();
  private anyRow = false;
  private used = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly db: Pick<SqlExecutor, 'query'>,
    private readonly options: StoredIngestTokensOptions = {},
  ) {
    this.loadCache();
  }

  /** Whether the table has any token, so ingest needs one. */
  get required(): boolean {
    return this.anyRow;
  }

  /** Whether `digest` (SHA-256 of the token given) is an active stored token; notes its use. */
  matches(digest: Buffer): boolean {
    let index = -1;
    for (let i = 0; i < this.active.length; i++) if (timingSafeEqual(digest, this.active[i]!)) index = i;
    if (index < 0) return false;
    this.used.add(this.active[index]!.toString('hex'));
    return true;
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? STORED_TOKENS_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.poll(); // write the last "last used" times
  }

  /** Reads the table once (and writes back the times tokens were used). Errors keep the last view. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const used = [...this.used];
    this.used.clear();
    try {
      if (used.length > 0) {
        await this.db.query(`UPDATE ingest_tokens SET last_used_at = now() WHERE token_hash = ANY($1::text[]) AND revoked_at IS NULL`, [used]);
      }
      const rows = await this.db.query<{ token_hash: string; active: boolean }>(`SELECT token_hash, revoked_at IS NULL AS active FROM ingest_tokens`);
      if (this.failing) this.options.log?.info('stored ingest tokens readable again', { tokens: rows.length });
      this.failing = false;
      this.apply(rows.length > 0, rows.filter((row) => row.active).map((row) => row.token_hash));
    } catch (error) {
      for (const hash of used) this.used.add(hash);
      // The table is missing until the migrations ran; the database may be down: keep what we know.
      if (!this.failing) this.options.log?.warn('cannot read the stored ingest tokens; the ones read before stay in force', { error: String(error) });
      this.failing = true;
    }
  }

  private apply(anyRow: boolean, activeHex: string[]): void {
    const changed = anyRow !== this.anyRow || activeHex.length !== this.activeHex.size || activeHex.some((hash) => !this.activeHex.has(hash));
    if (!changed) return;
    this.anyRow = anyRow;
    this.activeHex = new Set(activeHex);
    this.active = activeHex.map((hash) => Buffer.from(hash, 'hex'));
    this.saveCache();
  }

  private loadCache(): void {
    if (!this.options.cacheFile) return;
    try {
      const cached = cacheSchema.parse(JSON.parse(readFileSync(this.options.cacheFile, 'utf8')));
      this.anyRow = cached.anyRow;
      this.activeHex = new Set(cached.active);
      this.active = cached.active.map((hash) => Buffer.from(hash, 'hex'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.log?.warn('ignoring an unreadable ingest token cache', { file: this.options.cacheFile, error: String(error) });
    }
  }

  private saveCache(): void {
    const file = this.options.cacheFile;
    if (!file) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, JSON.stringify({ anyRow: this.anyRow, active: [...this.activeHex] }), { mode: 0o600 });
      renameSync(temporary, file);
    } catch (error) {
      this.options.log?.warn('cannot save the ingest token cache', { file, error: String(error) });
    }
  }
}
