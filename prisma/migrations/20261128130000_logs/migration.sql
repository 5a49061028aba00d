-- Logs (issue 11). Hand-written like "spans": range-partitioned by day on time_ns (Unix nanoseconds:
-- the record's own time, else when it was observed); partitions logs_pYYYYMMDD are created on demand
-- by the collector and dropped whole by retention (MESHLIGHT_LOGS_RETENTION_DAYS).
-- resource_id / scope_id point into the same "resources" and "scopes" dictionaries spans use.
CREATE SEQUENCE "logs_id_seq";

CREATE TABLE "logs" (
    "time_ns" BIGINT NOT NULL,
    -- Newest-first pagination's tie-breaker: (time_ns, id) is unique.
    "id" BIGINT NOT NULL DEFAULT nextval('logs_id_seq'),
    "observed_ns" BIGINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "severity_number" SMALLINT NOT NULL,
    "severity_text" TEXT,
    "body" TEXT NOT NULL,
    "trace_id" BYTEA,
    "span_id" BYTEA,
    "correlation_id" TEXT,
    "flags" INTEGER NOT NULL DEFAULT 0,
    "event_name" TEXT,
    "resource_id" BIGINT NOT NULL,
    "scope_id" BIGINT NOT NULL,
    "attributes" JSONB NOT NULL,
    "dropped_attributes_count" INTEGER NOT NULL DEFAULT 0
) PARTITION BY RANGE ("time_ns");

CREATE INDEX "logs_trace_id_idx" ON "logs"("trace_id") WHERE "trace_id" IS NOT NULL;
CREATE INDEX "logs_correlation_id_idx" ON "logs"("correlation_id") WHERE "correlation_id" IS NOT NULL;
CREATE INDEX "logs_service_name_time_ns_idx" ON "logs"("service_name", "time_ns");
CREATE INDEX "logs_time_ns_idx" ON "logs"("time_ns");
CREATE INDEX "logs_severity_number_time_ns_idx" ON "logs"("severity_number", "time_ns");
CREATE INDEX "logs_attributes_idx" ON "logs" USING GIN ("attributes" jsonb_path_ops);
-- Full text: a tsvector GIN index with the 'simple' configuration (no stemming, no stop words: log
-- text is identifiers, codes and English alike). Measured against pg_trgm's GIN on 300k log lines
-- (README "Logs"): 62 MB vs 72 MB of index, inserting 2.3x cheaper, word and token queries as fast or
-- faster; and it needs no extension, so the embedded PGlite database has it too. Substrings inside a
-- word are matched by prefix (token:*) plus an ILIKE recheck on the rows the index finds.
CREATE INDEX "logs_body_fts_idx" ON "logs" USING GIN (to_tsvector('simple', "body"));

-- Records outside the window of daily partitions (clock skew, replayed old data) land here.
CREATE TABLE "logs_default" PARTITION OF "logs" DEFAULT;

-- Which traces a correlation id belongs to: learned at ingest from span attributes (the captured
-- x-correlation-id header, correlation.id, …) and from logs that carry both ids.
CREATE TABLE "correlations" (
    "correlation_id" TEXT NOT NULL,
    "trace_id" BYTEA NOT NULL,
    "service_name" TEXT NOT NULL,
    "first_seen_ns" BIGINT NOT NULL,
    CONSTRAINT "correlations_pkey" PRIMARY KEY ("correlation_id", "trace_id")
);
CREATE INDEX "correlations_trace_id_idx" ON "correlations"("trace_id");
CREATE INDEX "correlations_first_seen_ns_idx" ON "correlations"("first_seen_ns");
