-- Coarser service graph rollups (prisma/schema.prisma: ServiceGraphEdgeBlock, ServiceRedBlock): the
-- same counters as the per-minute tables, added up per 10-minute block and per hour
-- (`block_minutes` 10 or 60; `minute` is the block's start, aligned to the Unix epoch). A window is
-- read as its ragged minutes plus the whole blocks between them
-- (lib/domain/service-graph/rollup-tiers.ts), so long windows read few rows.

CREATE TABLE "service_graph_edge_blocks" (
    "block_minutes" SMALLINT NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "environment" TEXT NOT NULL DEFAULT '',
    "source_kind" TEXT NOT NULL,
    "source_name" TEXT NOT NULL,
    "target_kind" TEXT NOT NULL,
    "target_name" TEXT NOT NULL,
    "connection_type" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "latency_count" BIGINT NOT NULL,
    "latency_sum_us" BIGINT NOT NULL,
    "latency_max_us" BIGINT NOT NULL,
    "histogram" INTEGER[],
    "slow_trace_id" BYTEA,
    "error_trace_id" BYTEA,
    CONSTRAINT "service_graph_edge_blocks_pkey" PRIMARY KEY ("block_minutes", "minute", "environment", "source_kind", "source_name", "target_kind", "target_name", "connection_type")
);

CREATE TABLE "service_red_blocks" (
    "block_minutes" SMALLINT NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "environment" TEXT NOT NULL DEFAULT '',
    "service_name" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "latency_count" BIGINT NOT NULL,
    "latency_sum_us" BIGINT NOT NULL,
    "latency_max_us" BIGINT NOT NULL,
    "histogram" INTEGER[],
    "slow_trace_id" BYTEA,
    "error_trace_id" BYTEA,
    CONSTRAINT "service_red_blocks_pkey" PRIMARY KEY ("block_minutes", "minute", "environment", "service_name")
);

-- Sums stored histograms (see meshlight_histogram_add).
CREATE AGGREGATE "meshlight_histogram_sum"(INTEGER[]) (SFUNC = "meshlight_histogram_add", STYPE = INTEGER[]);

-- Blocks of the minutes written before this migration.
INSERT INTO "service_graph_edge_blocks"
SELECT b.size, date_bin(make_interval(mins => b.size), m.minute, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
       m.environment, m.source_kind, m.source_name, m.target_kind, m.target_name, m.connection_type,
       sum(m.calls), sum(m.errors), sum(m.latency_count), sum(m.latency_sum_us), max(m.latency_max_us),
       meshlight_histogram_sum(m.histogram),
       (array_agg(m.slow_trace_id ORDER BY m.latency_max_us DESC) FILTER (WHERE m.slow_trace_id IS NOT NULL))[1],
       (array_agg(m.error_trace_id ORDER BY m.minute DESC) FILTER (WHERE m.error_trace_id IS NOT NULL))[1]
FROM "service_graph_edge_minutes" m CROSS JOIN (VALUES (10), (60)) AS b(size)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO "service_red_blocks"
SELECT b.size, date_bin(make_interval(mins => b.size), m.minute, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
       m.environment, m.service_name,
       sum(m.calls), sum(m.errors), sum(m.latency_count), sum(m.latency_sum_us), max(m.latency_max_us),
       meshlight_histogram_sum(m.histogram),
       (array_agg(m.slow_trace_id ORDER BY m.latency_max_us DESC) FILTER (WHERE m.slow_trace_id IS NOT NULL))[1],
       (array_agg(m.error_trace_id ORDER BY m.minute DESC) FILTER (WHERE m.error_trace_id IS NOT NULL))[1]
FROM "service_red_minutes" m CROSS JOIN (VALUES (10), (60)) AS b(size)
GROUP BY 1, 2, 3, 4;
