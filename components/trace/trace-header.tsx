// The trace page header: id, root, duration, size, services, errors, start time and the
// resources (each listed once rather than under every span).
import type { TraceResource, TraceSummary } from '@/lib/domain/trace';
import { formatDurationNs, formatTimestampNs, serviceColor } from '../ui/format';
import { AttributeTable } from './attribute-table';

export function TraceHeader({ summary, resources }: { summary: TraceSummary; resources: TraceResource[] }) {
  return (
    <div className="trace-header">
      <h1>
        <span className="muted">{summary.rootService}</span> {summary.rootName}
      </h1>
      <dl className="facts">
        <div>
          <dt>Trace ID</dt>
          <dd className="mono">{summary.traceId}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTimestampNs(summary.startNs)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDurationNs(summary.durationNs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{summary.spanCount}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={summary.errorCount > 0 ? 'error-text' : undefined}>{summary.errorCount}</dd>
        </div>
      </dl>
      <div className="chips">
        {summary.services.map((service) => (
          <span key={service.name} className="chip">
            <span className="dot" style={{ background: serviceColor(service.name) }} aria-hidden="true" />
            {service.name} <span className="muted">{service.spanCount}</span>
            {service.errorCount > 0 ? <span className="error-text"> · {service.errorCount} err</span> : null}
          </span>
        ))}
      </div>
      <details className="resources">
        <summary>
          {resources.length} resource{resources.length === 1 ? '' : 's'} (service, host, SDK attributes)
        </summary>
        <div className="resource-grid">
          {resources.map((resource) => (
            <AttributeTable key={resource.id} title={resource.serviceName} attributes={resource.attributes} />
          ))}
        </div>
      </details>
    </div>
  );
}
