-- Log volume per minute, service and severity range (issue 11: the logs page's histogram). The
-- collector adds each batch's counts in the transaction that writes the batch (collector/store/
-- log-store.ts), so a batch written once is counted once; the histogram reads these rows for the
-- whole minutes of a range instead of counting every record (lib/db/log-queries.ts logVolume).
-- severity_group: the SeverityNumber range's lowest number (1, 5, 9, 13, 17, 21), 0 unspecified.
CREATE TABLE "log_volume_minutes" (
    "minute_ms" BIGINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "severity_group" SMALLINT NOT NULL,
    "records" BIGINT NOT NULL,
    CONSTRAINT "log_volume_minutes_pkey" PRIMARY KEY ("minute_ms", "service_name", "severity_group")
);

-- The records stored before.
INSERT INTO "log_volume_minutes" ("minute_ms", "service_name", "severity_group", "records")
SELECT floor("time_ns" / 60000000000.0)::bigint * 60000,
       "service_name",
       CASE WHEN "severity_number" BETWEEN 1 AND 24 THEN (("severity_number" - 1) / 4) * 4 + 1 ELSE 0 END,
       count(*)
  FROM "logs"
 GROUP BY 1, 2, 3;
