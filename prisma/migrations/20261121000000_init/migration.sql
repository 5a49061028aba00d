-- Meshlight initial schema. Mirrors prisma/schema.prisma; partitioning of "spans" is hand-written
-- because Prisma cannot express it.

CREATE TABLE "resources" (
    "id" BIGINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "attributes" JSONB NOT NULL,
    "dropped_attributes_count" INTEGER NOT NULL DEFAULT 0,
    "schema_url" TEXT NOT NULL DEFAULT '',
    "first_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "resources_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "resources_attributes_idx" ON "resources" USING GIN ("attributes" jsonb_path_ops);

CREATE TABLE "scopes" (
    "id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "attributes" JSONB NOT NULL,
    CONSTRAINT "scopes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "operations" (
    "service_name" TEXT NOT NULL,
    "span_name" TEXT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "last_seen_ns" BIGINT NOT NULL,
    CONSTRAINT "operations_pkey" PRIMARY KEY ("service_name", "span_name", "span_kind")
);

-- Range-partitioned by day on start_ns (Unix nanoseconds). Partitions are created on demand by the
-- collector (spans_pYYYYMMDD) and dropped whole by retention.
CREATE TABLE "spans" (
    "trace_id" BYTEA NOT NULL,
    "span_id" BYTEA NOT NULL,
    "parent_span_id" BYTEA,
    "start_ns" BIGINT NOT NULL,
    "duration_ns" BIGINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" SMALLINT NOT NULL,
    "status_code" SMALLINT NOT NULL,
    "status_message" TEXT,
    "resource_id" BIGINT NOT NULL,
    "scope_id" BIGINT NOT NULL,
    "attributes" JSONB NOT NULL,
    "events" JSONB,
    "links" JSONB,
    "trace_state" TEXT,
    "flags" INTEGER NOT NULL DEFAULT 0,
    "dropped_attributes_count" INTEGER NOT NULL DEFAULT 0,
    "dropped_events_count" INTEGER NOT NULL DEFAULT 0,
    "dropped_links_count" INTEGER NOT NULL DEFAULT 0
) PARTITION BY RANGE ("start_ns");

CREATE INDEX "spans_trace_id_idx" ON "spans"("trace_id");
CREATE INDEX "spans_service_name_name_start_ns_idx" ON "spans"("service_name", "name", "start_ns");
CREATE INDEX "spans_service_name_start_ns_idx" ON "spans"("service_name", "start_ns");
CREATE INDEX "spans_attributes_idx" ON "spans" USING GIN ("attributes" jsonb_path_ops);

-- Spans outside the window of daily partitions (clock skew, replayed old data) land here; retention
-- deletes its old rows. A daily partition created later takes its rows over (collector/store/partitions.ts).
CREATE TABLE "spans_default" PARTITION OF "spans" DEFAULT;
