// `/traces/compare?a=&b=`: structural and duration diff of two traces of the same operation.
import type { Metadata } from 'next';
import { TraceCompare } from '@/components/trace/compare/trace-compare';
import { normalizeTraceId } from '@/lib/contracts/jaeger-query';
import '@/components/trace/trace-explorer.css';

export const metadata: Metadata = { title: 'Compare traces' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ComparePage({ searchParams }: PageProps) {
  const params = await searchParams;
  const id = (value: string | string[] | undefined) => (typeof value === 'string' ? (normalizeTraceId(value.trim()) ?? '') : '');
  return (
    <>
      <div className="page-header">
        <h1>Compare traces</h1>
        <p className="muted">A is the baseline; rows show what B added, lost, or spent more or less time on.</p>
      </div>
      <TraceCompare a={id(params.a)} b={id(params.b)} />
    </>
  );
}
