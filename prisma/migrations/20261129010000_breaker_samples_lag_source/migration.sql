-- Breaker rate series and where a queue's lag in time comes from (prisma/schema.prisma:
-- BreakerSample, LagStatus.lagSecondsSource, LagHistory.lagSecondsSource).
-- breaker_samples: a breaker's rates at most every few seconds (collector/health/health-monitor.ts),
-- for the call/rejection/failure sparklines of /breakers and the history API's rate series.
CREATE TABLE "breaker_samples" (
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "t_ms" BIGINT NOT NULL,
    "state" TEXT NOT NULL,
    "failure_rate" DOUBLE PRECISION,
    "slow_call_rate" DOUBLE PRECISION,
    "calls_per_second" DOUBLE PRECISION,
    "rejected_per_second" DOUBLE PRECISION,
    CONSTRAINT "breaker_samples_pkey" PRIMARY KEY ("service", "name", "t_ms")
);

CREATE INDEX "breaker_samples_t_ms_idx" ON "breaker_samples" ("t_ms");

-- How lag_seconds was worked out: 'consume-rate' (lag ÷ the broker's consume counter rate),
-- 'net-rate' (lag ÷ the produce rate less the lag's growth, when the broker counts only
-- publishes), 'empty' (nothing waits); NULL when the broker's figures cannot say (the read side
-- may then estimate it from traces).
ALTER TABLE "lag_status" ADD COLUMN "lag_seconds_source" TEXT;
ALTER TABLE "lag_history" ADD COLUMN "lag_seconds_source" TEXT;
