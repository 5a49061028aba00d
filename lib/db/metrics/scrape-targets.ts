// Scrape targets through Prisma's model API (the CRUD Prisma is for): the list /api/scrape-targets
// and /targets show, and runtime targets added or removed there. The collector picks changes up at
// its next reconcile (MESHLIGHT_SCRAPE_RELOAD_MS) and writes each scrape's outcome to the row.
import { ApiError } from '../../contracts/api-error';
import type { CreateScrapeTarget, ScrapeTargetView } from '../../contracts/scrape-config';

export type { ScrapeTargetView };
import { Prisma } from '../generated/client';
import { getPrisma, getWriteDb } from '../prisma';


export async function listScrapeTargets(): Promise<ScrapeTargetView[]> {
  const rows = await getPrisma().scrapeTarget.findMany({ orderBy: [{ job: 'asc' }, { target: 'asc' }, { metricsPath: 'asc' }] });
  return rows.map((row) => ({
    id: row.id,
    source: row.source,
    job: row.job,
    target: row.target,
    scheme: row.scheme,
    metricsPath: row.metricsPath,
    format: row.format === 'nats-jsz' ? 'nats-jsz' : 'prometheus',
    intervalSeconds: row.intervalSeconds,
    labels: (row.labels ?? {}) as Record<string, string>,
    health: row.health === 'up' || row.health === 'down' ? row.health : 'unknown',
    lastScrape: row.lastScrape?.toISOString() ?? null,
    lastDurationMs: row.lastDurationMs,
    samples: row.samples,
    refusedSeries: row.refusedSeries,
    lastError: row.lastError,
  }));
}

export async function createScrapeTarget(input: CreateScrapeTarget): Promise<{ id: string }> {
  try {
    const row = await getWriteDb().prisma.scrapeTarget.create({
      data: { source: 'api', job: input.job, target: input.target, metricsPath: input.metricsPath, format: input.format, intervalSeconds: input.intervalSeconds, labels: input.labels },
      select: { id: true },
    });
    return row;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ApiError(409, `a target ${input.target}${input.metricsPath} already exists in job "${input.job}"`);
    }
    throw error;
  }
}

export async function deleteScrapeTarget(id: string): Promise<void> {
  const row = await getWriteDb().prisma.scrapeTarget.findUnique({ where: { id }, select: { source: true } });
  if (!row) throw new ApiError(404, `no scrape target ${id}`);
  if (row.source !== 'api') {
    throw new ApiError(409, `target ${id} comes from ${row.source === 'self' ? "the collector's own /metrics" : 'MESHLIGHT_SCRAPE_CONFIG'}; change the configuration instead`);
  }
  // deleteMany: a concurrent delete is not an error.
  await getWriteDb().prisma.scrapeTarget.deleteMany({ where: { id } });
}

export interface CardinalityRefusalView {
  metric: string;
  refused: number;
  lastRefused: string;
}

/** Metrics that hit MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC, most refusals first. */
export async function listCardinalityRefusals(): Promise<CardinalityRefusalView[]> {
  const rows = await getPrisma().metricCardinalityRefusal.findMany({ orderBy: { refused: 'desc' }, take: 100 });
  return rows.map((row) => ({ metric: row.metric, refused: Number(row.refused), lastRefused: new Date(Number(row.lastRefusedMs)).toISOString() }));
}
