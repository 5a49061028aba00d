// Reads for Jaeger's SPM API (lib/jaeger/metrics.ts): one row per (service[, operation], minute)
// from the per-minute operation rollups (entry spans: SERVER, CONSUMER and root spans, by kind),
// summed over environments and the requested span kinds. Histograms only for latencies.
import type { MetricsQuery } from '../contracts/jaeger-metrics';
import { BUCKET_COUNT, histogramFromSql } from '../domain/service-graph/latency-histogram';
import { minutesRead, type MetricMinute } from '../jaeger/metrics';
import { getDb, type Db } from './prisma';

const SUMMED_HISTOGRAM = `ARRAY[${Array.from({ length: BUCKET_COUNT }, (_, i) => `coalesce(sum(histogram[${i + 1}]), 0)`).join(', ')}]::text`;

export async function loadMetricMinutes(query: MetricsQuery, withHistogram: boolean, db: Db = getDb()): Promise<MetricMinute[]> {
  const { fromMs, toMs } = minutesRead(query);
  const operation = query.groupByOperation ? ', span_name' : '';
  const rows = await db.prisma.$queryRawUnsafe<Array<{ service_name: string; span_name?: string; t: number; calls: number; errors: number; histogram?: string }>>(
    `SELECT service_name${operation}, (extract(epoch FROM minute) * 1000)::float8 AS t,
       sum(calls)::float8 AS calls, sum(errors)::float8 AS errors${withHistogram ? `, ${SUMMED_HISTOGRAM} AS histogram` : ''}
     FROM operation_red_minutes
     WHERE service_name = ANY($1::text[]) AND span_kind = ANY($2::smallint[])
       AND minute >= to_timestamp($3::float8 / 1000) AND minute < to_timestamp($4::float8 / 1000)
     GROUP BY service_name${operation}, minute`,
    query.services,
    query.spanKinds,
    fromMs,
    toMs,
  );
  return rows.map((row) => {
    const minute: MetricMinute = { service: row.service_name, minuteMs: row.t, calls: row.calls, errors: row.errors };
    if (row.span_name !== undefined) minute.operation = row.span_name;
    if (row.histogram !== undefined) minute.histogram = histogramFromSql(row.histogram);
    return minute;
  });
}
