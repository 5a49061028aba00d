-- Logs full text without the common words (issue 11: ingest throughput). The body's
-- to_tsvector('simple') GIN was half of PostgreSQL's cost per record, and most of its entries are
-- the words of the log templates, present in a large share of the records. The collector now
-- computes each record's terms itself (lib/domain/logs/log-terms.ts: lowercased runs of characters
-- between ASCII punctuation/space, at most 64 characters) and writes them to `terms`, leaving out
-- the terms listed in `log_common_terms` (seen in >= 1 % of the records it sampled). A term is listed
-- before any row leaves it out, so a search reads the list in the same snapshot as the rows and knows
-- exactly which of its words the index answers; a word the index cannot answer (a common term starts
-- with it) is found by walking the newest rows (lib/db/log-queries.ts). Measured in docs/logs.md.
CREATE TABLE "log_common_terms" (
    "term" TEXT NOT NULL,
    "added_ns" BIGINT NOT NULL,
    CONSTRAINT "log_common_terms_pkey" PRIMARY KEY ("term")
);

DROP INDEX IF EXISTS "logs_body_fts_idx";
ALTER TABLE "logs" ADD COLUMN "terms" tsvector;

-- Rows written before: every term, computed like the collector does (no term is common yet).
UPDATE "logs" SET "terms" = array_to_tsvector(ARRAY(
    SELECT DISTINCT left(t, 64)
      FROM unnest(regexp_split_to_array(lower("body"), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+')) AS t
     WHERE t <> ''));

CREATE INDEX "logs_terms_idx" ON "logs" USING GIN ("terms");
