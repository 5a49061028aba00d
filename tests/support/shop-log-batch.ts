// A log batch of one service ('shop'), one record per body, 1 ms apart from `firstNs`, severity
// info: what the full-text tests write.
import { emptyLogRecord, type LogBatch } from '../../lib/domain/logs/model';

export function shopLogBatch(bodies: readonly string[], firstNs: bigint): LogBatch {
  const records = bodies.map((body, i) => ({ ...emptyLogRecord(), timeUnixNano: firstNs + BigInt(i) * 1_000_000n, observedTimeUnixNano: firstNs, severityNumber: 9, body }));
  return {
    resourceLogs: [{ resource: { attributes: { 'service.name': 'shop' }, droppedAttributesCount: 0 }, serviceName: 'shop', schemaUrl: '', scopeLogs: [{ scope: { name: 's', version: '', attributes: {} }, schemaUrl: '', records }] }],
    recordCount: records.length,
    rejectedRecords: 0,
    rejectionMessage: '',
  };
}
