// The `logs` table's daily partitions: the shared PartitionManager over `logs` keyed by time_ns,
// with its own retention (MESHLIGHT_LOGS_RETENTION_DAYS).
import { PartitionManager } from './partitions';
import type { PartitionedTable, RetentionPolicy } from './partition-plan';
import type { SqlExecutor } from './sql-executor';

export const PARTITIONED_LOGS: PartitionedTable = { name: 'logs', column: 'time_ns' };

export function createLogPartitions(db: SqlExecutor, policy: RetentionPolicy, now: () => number = Date.now): PartitionManager {
  return new PartitionManager(db, PARTITIONED_LOGS, policy, now);
}
