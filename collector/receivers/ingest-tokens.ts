// Optional ingest tokens: when any is configured (MESHLIGHT_INGEST_TOKENS, MESHLIGHT_INGEST_TOKENS_FILE),
// every ingest request on every port — OTLP/HTTP, OTLP/gRPC, remote_write, Loki push, JSON lines,
// Zipkin — must carry one as `Authorization: Bearer <token>` (gRPC: the `authorization` metadata,
// which is what the official exporters' `headers`/`metadata` options and OTEL_EXPORTER_OTLP_HEADERS
// send). `Basic` with the token as the password is accepted too, for shippers that only speak basic
// auth (promtail, Fluent Bit, Prometheus' basic_auth). Several tokens at once make rotation
// possible: add the new one, move the senders, remove the old one; the file is re-read when it
// changes (at most once a second), so rotating through it needs no restart.
//
// A missing or wrong token is a PermanentError('unauthenticated'): 401 + WWW-Authenticate on HTTP,
// UNAUTHENTICATED on gRPC (the mapping is pipeline/errors.ts's). Tokens are compared as SHA-256
// digests with timingSafeEqual, so the time taken says nothing about how much of a guess matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parseIngestTokens } from '../../lib/contracts/collector-config';
import { PermanentError } from '../pipeline/errors';

export const INGEST_REALM = 'meshlight-ingest';

export interface IngestTokensOptions {
  /** Tokens from the environment. */
  tokens: readonly string[];
  /** A file of tokens, one a line (`#` comments), re-read when its size or mtime changes. */
  file?: string;
  /** Tokens created at runtime (stored-ingest-tokens.ts): required once any exists; matched by digest. */
  stored?: { readonly required: boolean; matches(digest: Buffer): boolean };
  /** Called when a changed file cannot be used (the tokens read before stay in force). */
  onReloadError?(error: Error): void;
  now?(): number;
}

export class IngestTokens {
  private fromFile: Buffer[] = [];
  private readonly fromEnv: Buffer[];
  private fileStamp = '';
  /** The size and mtime of a file version that could not be used, so it is reported once. */
  private failedStamp = '';
  private checkedAt = -Infinity;

  constructor(private readonly options: IngestTokensOptions) {
    this.fromEnv = options.tokens.map(digest);
    // A file configured but unreadable or invalid at start-up stops the collector (fail loudly).
    if (options.file) this.reload(true);
  }

  /** Whether requests need a token at all. */
  get required(): boolean {
    this.refresh();
    return this.fromEnv.length + this.fromFile.length > 0 || (this.options.stored?.required ?? false);
  }

  /** Throws PermanentError('unauthenticated') unless the Authorization value carries a known token. */
  check(authorization: string | readonly string[] | undefined): void {
    if (!this.required) return;
    const value = Array.isArray(authorization) ? authorization[0] : authorization;
    const token = tokenOf(value as string | undefined);
    if (token === null) {
      throw new PermanentError('unauthenticated', 'an ingest token is required: send the header "Authorization: Bearer <token>" (one of MESHLIGHT_INGEST_TOKENS, or one made at /api/ingest-tokens)');
    }
    const given = digest(token);
    let match = false;
    for (const known of this.fromEnv) match = timingSafeEqual(given, known) || match;
    for (const known of this.fromFile) match = timingSafeEqual(given, known) || match;
    if (this.options.stored?.matches(given)) match = true;
    if (!match) throw new PermanentError('unauthenticated', 'invalid ingest token: it is not one of MESHLIGHT_INGEST_TOKENS nor an active token from /api/ingest-tokens');
  }

  private refresh(): void {
    if (!this.options.file) return;
    const now = (this.options.now ?? Date.now)();
    if (now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    try {
      this.reload(false);
    } catch (error) {
      this.options.onReloadError?.(error as Error);
    }
  }

  private reload(initial: boolean): void {
    const file = this.options.file!;
    const stat = statSync(file);
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    if (!initial && (stamp === this.fileStamp || stamp === this.failedStamp)) return;
    this.failedStamp = stamp;
    const tokens = parseIngestTokens(readFileSync(file, 'utf8'), /[\r\n]+/, `MESHLIGHT_INGEST_TOKENS_FILE (${file})`);
    this.failedStamp = '';
    this.fromFile = tokens.map(digest);
    this.fileStamp = stamp;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The token of `Bearer <token>`, or the password of `Basic base64(user:token)`; null otherwise. */
export function tokenOf(authorization: string | undefined): string | null {
  const match = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return null;
  if (match[1]!.toLowerCase() === 'bearer') return match[2]!;
  const decoded = Buffer.from(match[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}

/** The WWW-Authenticate value for a 401 (RFC 6750 §3). */
export function wwwAuthenticate(message: string): string {
  return message.startsWith('invalid') ? `Bearer realm="${INGEST_REALM}", error="invalid_token"` : `Bearer realm="${INGEST_REALM}"`;
}

const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The loud warning for receivers listening beyond loopback that anyone can write to, else null. */
export function openIngestWarning(bindHost: string, tokensRequired: boolean): string | null {
  if (tokensRequired || LOOPBACK_BINDS.has(bindHost.trim().toLowerCase())) return null;
  return `WARNING: the receivers listen on ${bindHost} with no ingest token: anyone who can reach them can write or flood data. Set MESHLIGHT_INGEST_TOKENS.`;
}
