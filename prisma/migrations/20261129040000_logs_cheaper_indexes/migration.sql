-- Logs ingest cost (issue 11: 50,000 records/s). Every index of `logs` is paid on every record
-- written; measured on the benchmark's rows (scripts/bench-logs.ts, docs/logs.md "Figures") the
-- jsonb_path_ops GIN on attributes cost about a third of the COPY rate, more than all five
-- B-trees together, and only sped up one filter (attr=key:value alone over a long range).
-- Attribute filters stay correct without it: they are rechecked on the rows the other filters and
-- the time range find (newest first, stopping at the page size).
DROP INDEX IF EXISTS "logs_attributes_idx";

-- Severity: a query for warn, error or fatal wants the few such records newest first; one for info
-- or debug is most records anyway and is served by the time index. So index only warn and above
-- (severity_number >= 13, OTLP's WARN..FATAL), by time: the planner uses it whenever every asked
-- range is at least warn (`severity_number BETWEEN 17 AND 20` implies `>= 13`).
DROP INDEX IF EXISTS "logs_severity_number_time_ns_idx";
CREATE INDEX "logs_warn_time_ns_idx" ON "logs"("time_ns") WHERE "severity_number" >= 13;

-- One nextval per record: let each writer's session take ids 64 at a time (ids stay unique; they
-- only break ties in (time_ns, id) order, so gaps and out-of-order blocks do not matter).
ALTER SEQUENCE "logs_id_seq" CACHE 64;
