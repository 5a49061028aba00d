'use client';
// Open a trace file (OTLP/JSON or Jaeger JSON) without storing it: the server decodes it
// (POST /api/ui/traces/upload) and the explorer shows it from memory.
import { useMutation } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import type { UploadedTrace } from '@/lib/contracts/trace-explorer-api';
import { UploadedTraceExplorer } from './trace-explorer';
import { getJson } from './use-trace';

export function TraceUpload() {
  const [dragging, setDragging] = useState(false);
  const upload = useMutation<UploadedTrace, Error, File>({
    mutationFn: async (file) => getJson<UploadedTrace>('/api/ui/traces/upload', { method: 'POST', body: await file.text(), headers: { 'content-type': 'application/json' } }),
  });
  const open = (file: File | undefined) => file && upload.mutate(file);
  if (upload.data) {
    return (
      <>
        <p className="muted small">
          Viewing <strong>{upload.variables?.name}</strong> ({upload.data.format === 'otlp' ? 'OTLP/JSON' : 'Jaeger JSON'})
          {upload.data.otherTraceCount > 0 ? `; the file holds ${upload.data.otherTraceCount} more trace(s), the biggest is shown` : ''}.{' '}
          <button type="button" className="button-small" onClick={() => upload.reset()}>
            Open another file
          </button>
        </p>
        <UploadedTraceExplorer upload={upload.data} />
      </>
    );
  }
  return (
    <div
      className={`notice${dragging ? ' dragging' : ''}`}
      onDragOver={(event: DragEvent) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event: DragEvent) => {
        event.preventDefault();
        setDragging(false);
        open(event.dataTransfer.files[0]);
      }}
    >
      <h2>Open a trace file</h2>
      <p>
        Drop a JSON trace here or choose one: OTLP/JSON (what OpenTelemetry exporters send, and what Meshlight&apos;s &ldquo;OTLP JSON&rdquo;
        download writes) or Jaeger JSON (Jaeger&apos;s &ldquo;Download JSON&rdquo;, or <code>/api/traces/&#123;id&#125;</code>). The file is
        shown, not stored.
      </p>
      <input type="file" accept=".json,application/json" onChange={(event) => open(event.target.files?.[0])} data-testid="trace-file" />
      {upload.isPending ? <p className="muted">Reading {upload.variables?.name}…</p> : null}
      {upload.error ? <p className="form-error">{upload.error.message}</p> : null}
    </div>
  );
}
