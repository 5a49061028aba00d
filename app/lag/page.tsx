// `/lag`: broker lag for Kafka, RabbitMQ and NATS JetStream with Burrow-style status, live. A thin
// server page around the client island (components/lag).
import type { Metadata } from 'next';
import { LagClient } from '@/components/lag/lag-client';
import { parseLagFocus } from '@/components/lag/lag-view';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import '@/components/breakers/breakers.css';
import '@/components/lag/lag.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Broker lag' };

// ?system=&destination=&group= (a deep link from an incident) highlights that row and opens its charts.
export default async function LagPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const focus = parseLagFocus(await searchParams);
  return (
    <>
      <div className="page-header">
        <h1>Broker lag</h1>
        <p className="muted">
          How far each consumer group, queue and JetStream consumer is behind, in messages and in time, graded with Burrow&apos;s rules (OK, WARN,
          STALL, STOP, REWIND) over the last ten readings; worst first. Click a row for its charts.
        </p>
      </div>
      <LagClient liveEndpoint={liveEndpointFromEnv()} focus={focus} />
    </>
  );
}
