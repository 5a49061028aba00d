// Empty and error states: what happened and what to do next.
import type { ReactNode } from 'react';

export function Notice({ title, children, tone = 'empty' }: { title: string; children?: ReactNode; tone?: 'empty' | 'error' }) {
  return (
    <section className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Shown wherever a page could not reach its data, with the likely fix; `reason` from databaseProblem(). */
export function DatabaseProblem({ reason }: { reason: string }) {
  return (
    <Notice title="Cannot read from the database" tone="error">
      <p>
        The UI server could not query PostgreSQL. Start Meshlight with <code>npm start</code> (which starts the collector
        and its database), or set <code>DATABASE_URL</code> to the database the collector writes to.
      </p>
      <p className="muted small">{reason}</p>
    </Notice>
  );
}

export function NoSpansYet({ otlpEndpoint }: { otlpEndpoint: string }) {
  return (
    <Notice title="No spans yet">
      <p>
        Point your services&apos; OpenTelemetry exporter at Meshlight and traces appear here within seconds:
      </p>
      <pre className="code-block">OTEL_EXPORTER_OTLP_ENDPOINT={otlpEndpoint}</pre>
      <p className="muted small">
        That is the collector&apos;s OTLP/HTTP endpoint; OTLP/gRPC listens too (port 4317 by default).
      </p>
    </Notice>
  );
}
