// `/traces`: the search form and its results. The URL is the state: every field is a query
// parameter (Jaeger's names and formats, with `tags` also accepted as `k=v` text), so a search can
// be bookmarked and shared.
import type { Metadata } from 'next';
import { SearchForm, type SearchFormValues } from '@/components/trace/search-form';
import { TraceList } from '@/components/trace/trace-list';
import { DatabaseProblem, Notice, NoSpansYet } from '@/components/ui/notice';
import { ApiError } from '@/lib/contracts/api-error';
import { collectorOtlpHttpEndpoint } from '@/lib/contracts/env';
import { formatLogfmtTags, parseLogfmtTags, parseTraceSearch, type TraceSearch } from '@/lib/contracts/jaeger-query';
import { findTraceIds, listOperations, listServices, summarizeTraces } from '@/lib/db/trace-queries';
import { databaseProblem } from '@/lib/http/route-errors';
import type { TraceSummary } from '@/lib/domain/trace';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Traces' };

const UI_DEFAULT_LIMIT = 20;
const UI_DEFAULT_LOOKBACK = '1h';
const HOUR_NS = 3_600_000_000_000n;

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(record)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, item);
  }
  return params;
}

/** The form's `tags` field is `k=v` text; the API's is JSON. Accept both, hand the parser JSON. */
function normalizeTagsParam(params: URLSearchParams): { params: URLSearchParams; tagsText: string } {
  const raw = params.get('tags')?.trim() ?? '';
  if (raw === '') return { params, tagsText: '' };
  const normalized = new URLSearchParams(params);
  if (raw.startsWith('{')) {
    try {
      return { params, tagsText: formatLogfmtTags(JSON.parse(raw) as Record<string, string>) };
    } catch {
      return { params, tagsText: raw };
    }
  }
  try {
    normalized.set('tags', JSON.stringify(parseLogfmtTags(raw)));
  } catch (error) {
    throw new ApiError(400, `unable to parse param 'tags': ${(error as Error).message}`);
  }
  return { params: normalized, tagsText: raw };
}

export default async function TracesPage({ searchParams }: PageProps) {
  const params = toSearchParams(await searchParams);
  const hasSearch = [...params.keys()].length > 0;
  const values: SearchFormValues = {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    tags: params.get('tags') ?? '',
    minDuration: params.get('minDuration') ?? '',
    maxDuration: params.get('maxDuration') ?? '',
    lookback: params.get('lookback') || UI_DEFAULT_LOOKBACK,
    limit: params.get('limit') || String(UI_DEFAULT_LIMIT),
  };

  let search: TraceSearch | undefined;
  let formError: string | undefined;
  try {
    const { params: normalized, tagsText } = normalizeTagsParam(params);
    values.tags = tagsText;
    search = parseTraceSearch(normalized, {
      nowUs: Date.now() * 1000,
      requireService: false,
      defaultLimit: UI_DEFAULT_LIMIT,
      defaultLookbackNs: HOUR_NS,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    formError = error.message;
  }

  let services: string[];
  let operations: string[] = [];
  let traces: TraceSummary[] = [];
  try {
    services = await listServices();
    if (values.service) {
      operations = [...new Set((await listOperations(values.service)).map((operation) => operation.name))];
    }
    if (search && services.length > 0) {
      const ids = search.traceIds.length > 0 ? search.traceIds : await findTraceIds(search.query);
      traces = (await summarizeTraces(ids)).sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
    }
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }

  return (
    <>
      <div className="page-header">
        <h1>Traces</h1>
      </div>
      <SearchForm services={services} operations={operations} values={values} error={formError} />
      {services.length === 0 ? (
        <NoSpansYet otlpEndpoint={collectorOtlpHttpEndpoint()} />
      ) : formError ? null : traces.length === 0 ? (
        <Notice title="No traces match">
          <p>
            Nothing {values.service ? <>from <strong>{values.service}</strong> </> : null}matches in the selected window.
            Widen the lookback, remove a tag or duration filter{hasSearch ? '' : ', or pick a service'}.
          </p>
        </Notice>
      ) : (
        <>
          <p className="results-count muted">
            {traces.length} trace{traces.length === 1 ? '' : 's'}, newest first
          </p>
          <TraceList traces={traces} nowMs={Date.now()} />
        </>
      )}
    </>
  );
}
