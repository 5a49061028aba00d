-- Circuit breakers and broker lag (prisma/schema.prisma: BreakerStatus, BreakerTransition,
-- LagStatus, LagHistory). Written by the collector's health monitor (collector/health/), read by
-- /api/breakers and /api/lag. Current state is one row per breaker / consumer group; history is a
-- row per transition, and a row per group per evaluation (every scrape, ~15 s) for lag.

CREATE TABLE "breaker_status" (
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "target" TEXT,
    "instance" TEXT,
    "state" TEXT NOT NULL,
    "since_ms" BIGINT NOT NULL,
    "last_seen_ms" BIGINT NOT NULL,
    "failure_rate" DOUBLE PRECISION,
    "slow_call_rate" DOUBLE PRECISION,
    "calls_per_second" DOUBLE PRECISION,
    "rejected_per_second" DOUBLE PRECISION,
    "source" TEXT NOT NULL,
    "flapping" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "breaker_status_pkey" PRIMARY KEY ("service", "name")
);

CREATE TABLE "breaker_transitions" (
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "t_ms" BIGINT NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "failure_rate" DOUBLE PRECISION,
    "calls_per_second" DOUBLE PRECISION,
    "rejected_per_second" DOUBLE PRECISION,
    CONSTRAINT "breaker_transitions_pkey" PRIMARY KEY ("service", "name", "t_ms", "to_state")
);
CREATE INDEX "breaker_transitions_t_idx" ON "breaker_transitions" ("t_ms");

CREATE TABLE "lag_status" (
    "system" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "grp" TEXT NOT NULL,
    "lag" DOUBLE PRECISION NOT NULL,
    "lag_seconds" DOUBLE PRECISION,
    "status" TEXT NOT NULL,
    "trend" TEXT NOT NULL,
    "consume_rate" DOUBLE PRECISION,
    "produce_rate" DOUBLE PRECISION,
    "drain_seconds" DOUBLE PRECISION,
    "consumers" INTEGER,
    "partitions" JSONB NOT NULL DEFAULT '[]',
    "since_ms" BIGINT NOT NULL,
    "updated_ms" BIGINT NOT NULL,
    CONSTRAINT "lag_status_pkey" PRIMARY KEY ("system", "cluster", "destination", "grp")
);

CREATE TABLE "lag_history" (
    "system" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "grp" TEXT NOT NULL,
    "t_ms" BIGINT NOT NULL,
    "lag" DOUBLE PRECISION NOT NULL,
    "lag_seconds" DOUBLE PRECISION,
    "status" TEXT NOT NULL,
    "consume_rate" DOUBLE PRECISION,
    "produce_rate" DOUBLE PRECISION,
    "partitions" JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT "lag_history_pkey" PRIMARY KEY ("system", "cluster", "destination", "grp", "t_ms")
);
CREATE INDEX "lag_history_t_idx" ON "lag_history" ("t_ms");
