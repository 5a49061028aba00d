// Log batches the tests write: one service's records in one scope (serviceLogBatch), and the
// full-text tests' shop batch (one record per body, 1 ms apart from `firstNs`, severity info).
import { emptyLogRecord, type LogBatch, type LogRecord } from '../../lib/domain/logs/model';

export function shopLogBatch(bodies: readonly string[], firstNs: bigint): LogBatch {
  return serviceLogBatch('shop', bodies.map((body, i) => ({ ...emptyLogRecord(), timeUnixNano: firstNs + BigInt(i) * 1_000_000n, observedTimeUnixNano: firstNs, severityNumber: 9, body })));
}

/** A batch of `records` from one service, in one scope. */
export function serviceLogBatch(service: string, records: LogRecord[]): LogBatch {
  return {
    resourceLogs: [{ resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 }, serviceName: service, schemaUrl: '', scopeLogs: [{ scope: { name: 's', version: '', attributes: {} }, schemaUrl: '', records }] }],
    recordCount: records.length,
    rejectedRecords: 0,
    rejectionMessage: '',
  };
}
