// Ingest tokens through Prisma's model API: the list /api/ingest-tokens and the Settings page show,
// created and revoked there. The collectors read the table on their own (every few seconds).
import { ApiError } from '../contracts/api-error';
import { ingestTokenHash, newIngestToken, type CreateIngestToken, type CreatedIngestToken, type IngestTokenView } from '../contracts/ingest-tokens-api';
import { getWriteDb } from './prisma';

interface Row {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function view(row: Row): IngestTokenView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

const SELECT = { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/**
 * Newest first; revoked ones too (marked), so the list tells what was cut off and when. Read from
 * the primary (a small table): a token just created or revoked is in the list that follows.
 */
export async function listIngestTokens(): Promise<IngestTokenView[]> {
  const rows = await getWriteDb().prisma.ingestToken.findMany({ select: SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 1000 });
  return rows.map(view);
}

export async function createIngestToken(input: CreateIngestToken): Promise<CreatedIngestToken> {
  const token = newIngestToken();
  const row = await getWriteDb().prisma.ingestToken.create({ data: { name: input.name, tokenHash: ingestTokenHash(token) }, select: SELECT });
  return { ...view(row), token };
}

/** Revokes (the row stays, marked); revoking twice keeps the first time. 404 for an unknown id. */
export async function revokeIngestToken(id: string): Promise<IngestTokenView> {
  const prisma = getWriteDb().prisma;
  await prisma.ingestToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  const row = await prisma.ingestToken.findUnique({ where: { id }, select: SELECT });
  if (!row) throw new ApiError(404, `no ingest token ${id}`);
  return view(row);
}
