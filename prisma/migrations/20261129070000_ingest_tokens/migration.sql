-- Ingest tokens managed at runtime (GET/POST/DELETE /api/ingest-tokens): only the SHA-256 of each
-- token is stored (hex); the value is shown once, when it is created. Revoking sets revoked_at
-- (the row stays, so the list shows it and the collectors see it go). Every collector replica
-- reads this table every few seconds and accepts the tokens not revoked, besides its
-- MESHLIGHT_INGEST_TOKENS(_FILE).
CREATE TABLE IF NOT EXISTS "ingest_tokens" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "ingest_tokens_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "ingest_tokens_token_hash_key" ON "ingest_tokens"("token_hash");
