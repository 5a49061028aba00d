-- Metrics storage (series + chunked samples) and scrape targets. Mirrors prisma/schema.prisma;
-- the partitioning of metric_chunks is hand-written because Prisma cannot express it.

-- One row per distinct series (metric name + label set). `labels` includes __name__;
-- `labels_hash` is the 16-byte MD5 of the canonical (sorted) label set, computed by the collector.
CREATE TABLE "metric_series" (
    "id" BIGSERIAL NOT NULL,
    "metric_name" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "labels_hash" BYTEA NOT NULL,
    "first_seen_ms" BIGINT NOT NULL,
    "last_seen_ms" BIGINT NOT NULL,
    CONSTRAINT "metric_series_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "metric_series_labels_hash_key" ON "metric_series"("labels_hash");
CREATE INDEX "metric_series_metric_name_idx" ON "metric_series"("metric_name");
CREATE INDEX "metric_series_labels_idx" ON "metric_series" USING GIN ("labels" jsonb_path_ops);

-- Closed chunks: up to 120 samples (or 2 hours) of one series each, encoded by
-- lib/domain/metrics/chunk-codec.ts. Append-only (COPY), range-partitioned by day on start_ms
-- (metric_chunks_pYYYYMMDD, created by the collector, dropped whole by retention).
CREATE TABLE "metric_chunks" (
    "series_id" BIGINT NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "end_ms" BIGINT NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL
) PARTITION BY RANGE ("start_ms");
CREATE INDEX "metric_chunks_series_id_start_ms_idx" ON "metric_chunks"("series_id", "start_ms");
CREATE TABLE "metric_chunks_default" PARTITION OF "metric_chunks" DEFAULT;

-- Each series' open chunk (the collector's head), rewritten in place every flush until it closes
-- and moves to metric_chunks. Readers merge both and drop repeated timestamps.
CREATE TABLE "metric_open_chunks" (
    "series_id" BIGINT NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "end_ms" BIGINT NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "metric_open_chunks_pkey" PRIMARY KEY ("series_id")
);
-- Rewritten every flush: free room on each page lets updates stay on the page (HOT, no index
-- write), and frequent vacuums keep the table near its live size.
ALTER TABLE "metric_open_chunks" SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);

-- HELP/TYPE/UNIT per metric family, as last reported.
CREATE TABLE "metric_metadata" (
    "metric" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "help" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "updated_ms" BIGINT NOT NULL,
    CONSTRAINT "metric_metadata_pkey" PRIMARY KEY ("metric")
);

-- New series refused by the per-metric cardinality limit, per metric (added up by collectors).
CREATE TABLE "metric_cardinality_refusals" (
    "metric" TEXT NOT NULL,
    "refused" BIGINT NOT NULL,
    "last_refused_ms" BIGINT NOT NULL,
    CONSTRAINT "metric_cardinality_refusals_pkey" PRIMARY KEY ("metric")
);

-- Scrape targets: added through /api/scrape-targets (source 'api') or mirrored by the collector
-- from MESHLIGHT_SCRAPE_CONFIG ('config', 'file_sd') and its own /metrics ('self'); the collector
-- writes each scrape's outcome back.
CREATE TABLE "scrape_targets" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "source" TEXT NOT NULL DEFAULT 'api',
    "job" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "scheme" TEXT NOT NULL DEFAULT 'http',
    "metrics_path" TEXT NOT NULL DEFAULT '/metrics',
    "interval_seconds" INTEGER NOT NULL DEFAULT 15,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "health" TEXT NOT NULL DEFAULT 'unknown',
    "last_scrape" TIMESTAMPTZ(3),
    "last_duration_ms" DOUBLE PRECISION,
    "samples" INTEGER,
    "refused_series" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "scrape_targets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "scrape_targets_job_target_metrics_path_key" ON "scrape_targets"("job", "target", "metrics_path");
