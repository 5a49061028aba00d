-- The metrics head's open chunks are no longer rewritten whole at every flush (metric_open_chunks,
-- one upsert per active series per flush): each flush appends only the samples that arrived since
-- the last one, as a small chunk of their own (a segment). When the whole chunk closes it goes to
-- metric_chunks and its segments are deleted in the same transaction. Readers merge chunks and
-- segments and drop repeated timestamps. Same columns as metric_chunks; no primary key (a series
-- has several segments, and those of a collector that crashed stay until retention).
CREATE TABLE "metric_head_segments" (
    "series_id" BIGINT NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "end_ms" BIGINT NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL
);
CREATE INDEX "metric_head_segments_series_id_start_ms_idx" ON "metric_head_segments"("series_id", "start_ms");
-- Rows are deleted as chunks close: frequent vacuums keep the table near its live size.
ALTER TABLE "metric_head_segments" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);

-- What the open chunks held is kept: each becomes a segment.
INSERT INTO "metric_head_segments" (series_id, start_ms, end_ms, n, data)
SELECT series_id, start_ms, end_ms, n, data FROM "metric_open_chunks";
DROP TABLE "metric_open_chunks";
