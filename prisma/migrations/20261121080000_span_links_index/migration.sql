-- "Linked from" in the trace explorer (lib/db/trace-explorer-queries.ts findLinkingSpans) looks for
-- spans whose links contain {trace_id, span_id}; without an index that scanned every span of the
-- ±1 h window. Only spans that have links are indexed (`links @> …` implies `links IS NOT NULL`,
-- so the planner uses this partial index), so ingest of the others pays nothing.
CREATE INDEX "spans_links_idx" ON "spans" USING GIN ("links" jsonb_path_ops) WHERE links IS NOT NULL;
