-- The metrics head's flushes write one row per group of series instead of one per series: a
-- block holds what every series of the group (ids [group_id * 256, group_id * 256 + 256)) got
-- since the last flush, each series' samples a chunk of its own inside the block
-- (lib/domain/metrics/head-block.ts). A flush of 100,000 series that got one sample each wrote
-- 100,000 segment rows (~70 bytes of row and index per sample); it now writes ~400 rows. A block is
-- deleted by the collector that wrote it (`head_id`) once every series of its group has closed its
-- chunk past the block's end; blocks of a collector that crashed stay (they are valid samples)
-- until retention. Readers merge chunks, segments and blocks and drop repeated timestamps.
CREATE TABLE "metric_head_blocks" (
    "head_id" BIGINT NOT NULL,
    "group_id" BIGINT NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "end_ms" BIGINT NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL
);
CREATE INDEX "metric_head_blocks_group_id_start_ms_idx" ON "metric_head_blocks"("group_id", "start_ms");
ALTER TABLE "metric_head_blocks" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 100);

-- The GIN (jsonb_path_ops) index on metric_series.labels served no query: matchers are
-- `labels ->> name` comparisons and `labels ? name`, which jsonb_path_ops cannot answer, and every
-- selector is narrowed by metric_name (btree) first. It cost ~88 bytes per series on disk and its
-- upkeep on every new series.
DROP INDEX IF EXISTS "metric_series_labels_idx";
