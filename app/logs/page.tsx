// `/logs`: search every service's logs. The client island reads its state from the URL.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LogsClient } from '@/components/logs/logs-client';
import { liveEndpointFromEnv } from '@/lib/contracts/live-endpoint';
import '@/components/logs/logs.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Logs' };

export default function LogsPage() {
  return (
    <>
      <div className="page-header">
        <h1>Logs</h1>
      </div>
      <Suspense>
        <LogsClient liveEndpoint={liveEndpointFromEnv()} />
      </Suspense>
    </>
  );
}
