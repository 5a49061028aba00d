-- Service graph rollups (prisma/schema.prisma: ServiceGraphEdgeMinute, ServiceRedMinute,
-- OperationRedMinute). One row per (dimensions, minute) holding sums, so the collector adds to a
-- row with INSERT ... ON CONFLICT DO UPDATE as often as it flushes, and any window is a SUM over
-- its minutes. `histogram` is the fixed 72-bucket log-scale latency histogram of
-- lib/domain/service-graph/latency-histogram.ts, stored as its non-empty range with explicit
-- bounds (subscript = bucket + 1, e.g. '[12:15]={3,9,4,1}'); a subscript outside reads as NULL,
-- which SUM() skips.

CREATE TABLE "service_graph_edge_minutes" (
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
    CONSTRAINT "service_graph_edge_minutes_pkey" PRIMARY KEY ("minute", "environment", "source_kind", "source_name", "target_kind", "target_name", "connection_type")
);

CREATE TABLE "service_red_minutes" (
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
    CONSTRAINT "service_red_minutes_pkey" PRIMARY KEY ("minute", "environment", "service_name")
);
CREATE INDEX "service_red_minutes_service_name_minute_idx" ON "service_red_minutes"("service_name", "minute");

CREATE TABLE "operation_red_minutes" (
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "environment" TEXT NOT NULL DEFAULT '',
    "service_name" TEXT NOT NULL,
    "span_name" TEXT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "latency_count" BIGINT NOT NULL,
    "latency_sum_us" BIGINT NOT NULL,
    "latency_max_us" BIGINT NOT NULL,
    "histogram" INTEGER[],
    "slow_trace_id" BYTEA,
    "error_trace_id" BYTEA,
    CONSTRAINT "operation_red_minutes_pkey" PRIMARY KEY ("service_name", "minute", "environment", "span_name", "span_kind")
);
CREATE INDEX "operation_red_minutes_minute_idx" ON "operation_red_minutes"("minute");

-- Adds two stored histograms bucket by bucket, whatever ranges they hold (NULL = empty).
CREATE FUNCTION "meshlight_histogram_add"(a INTEGER[], b INTEGER[]) RETURNS INTEGER[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    lo INTEGER;
    hi INTEGER;
    result INTEGER[];
BEGIN
    IF a IS NULL THEN RETURN b; END IF;
    IF b IS NULL THEN RETURN a; END IF;
    lo := least(array_lower(a, 1), array_lower(b, 1));
    hi := greatest(array_upper(a, 1), array_upper(b, 1));
    result := array_fill(0, ARRAY[hi - lo + 1], ARRAY[lo]);
    FOR i IN lo..hi LOOP
        result[i] := coalesce(a[i], 0) + coalesce(b[i], 0);
    END LOOP;
    RETURN result;
END
$$;
