// `/correlation/{id}`: every trace and log of one correlation id, across services, on one timeline.
import type { Metadata } from 'next';
import { CorrelationClient } from '@/components/logs/correlation-client';
import { decodePathSegment } from '@/lib/contracts/logs-api';
import '@/components/logs/logs.css';

type PageProps = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Correlation ${decodePathSegment(id).slice(0, 24)}` };
}

export default async function CorrelationPage({ params }: PageProps) {
  const { id } = await params;
  return <CorrelationClient correlationId={decodePathSegment(id)} />;
}
