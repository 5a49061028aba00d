// `/traces/upload`: view a trace from a JSON file (OTLP or Jaeger) without storing it.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TraceUpload } from '@/components/trace/explorer/trace-upload';
import '@/components/trace/trace-explorer.css';

export const metadata: Metadata = { title: 'Open a trace file' };

export default function UploadPage() {
  return (
    <Suspense>
      <TraceUpload />
    </Suspense>
  );
}
