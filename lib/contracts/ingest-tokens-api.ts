// Ingest tokens created at runtime (GET/POST/DELETE /api/ingest-tokens, the Settings page), besides
// MESHLIGHT_INGEST_TOKENS(_FILE): the wire shapes, and how a token is made and hashed. Only the
// hash is stored; the collectors (collector/receivers/stored-ingest-tokens.ts) compare hashes.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const createIngestTokenSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'name is required')
      .max(100, 'name is at most 100 characters')
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'name must not contain control characters'),
  })
  .strict();

export type CreateIngestToken = z.infer<typeof createIngestTokenSchema>;

export interface IngestTokenView {
  id: string;
  name: string;
  createdAt: string;
  /** When a collector last accepted a request with it (updated every few seconds at most). */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST's answer: the token's value, shown this once. */
export interface CreatedIngestToken extends IngestTokenView {
  token: string;
}

/** A new token: `mlt_` and 32 random bytes, base64url (no spaces or commas, ≥ 16 characters). */
export function newIngestToken(): string {
  return `mlt_${randomBytes(32).toString('base64url')}`;
}

/** What is stored and compared: SHA-256 of the token, hex. */
export function ingestTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
