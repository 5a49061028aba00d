// `/settings`: what an operator manages at runtime. For now the ingest tokens (create, revoke).
import type { Metadata } from 'next';
import { IngestTokensClient } from '@/components/settings/ingest-tokens-client';
import { DatabaseProblem } from '@/components/ui/notice';
import type { IngestTokenView } from '@/lib/contracts/ingest-tokens-api';
import { listIngestTokens } from '@/lib/db/ingest-tokens';
import { databaseProblem } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  let tokens: IngestTokenView[];
  try {
    tokens = await listIngestTokens();
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  return (
    <div className="settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <IngestTokensClient initial={tokens} />
    </div>
  );
}
