// `/traces`: the search form and its results (a duration-over-time scatter plot and a list). The
// URL is the state: every field is a query parameter (Jaeger's names and formats; see
// components/trace/search/search-params.ts), so a search can be bookmarked and shared.
import type { Metadata } from 'next';
import Link from 'next/link';
import { SearchForm } from '@/components/trace/search-form';
import { DurationScatter } from '@/components/trace/search/duration-scatter';
import { toResultRow, type ResultRow } from '@/components/trace/search/result-row';
import { DEFAULT_LIMIT, DEFAULT_LOOKBACK, readSearchValues } from '@/components/trace/search/search-params';
import { TraceList } from '@/components/trace/trace-list';
import { DatabaseProblem, Notice, NoSpansYet } from '@/components/ui/notice';
import { ApiError } from '@/lib/contracts/api-error';
import { collectorOtlpHttpEndpoint } from '@/lib/contracts/env';
import { parseLogfmtTags, parseTraceSearch, type TraceSearch } from '@/lib/contracts/jaeger-query';
import { findTraceIds, listOperations, listServices, searchLoadWindow, summarizeTraces } from '@/lib/db/trace-queries';
import { databaseProblem } from '@/lib/http/route-errors';
import '@/components/trace/trace-explorer.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Traces' };

const HOUR_NS = 3_600_000_000_000n;

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(record)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, item);
  }
  return params;
}

/**
 * What the Jaeger parser reads: `errors=1` becomes the tag error=true; `tags` may still be `k=v`
 * text (older links) and becomes repeated `tag=k:v`.
 */
function toJaegerParams(params: URLSearchParams): URLSearchParams {
  const normalized = new URLSearchParams(params);
  normalized.delete('errors');
  if (params.get('errors') === '1') normalized.append('tag', 'error:true');
  const text = params.get('tags')?.trim() ?? '';
  if (text !== '' && !text.startsWith('{')) {
    normalized.delete('tags');
    try {
      for (const [key, value] of Object.entries(parseLogfmtTags(text))) normalized.append('tag', `${key}:${value}`);
    } catch (error) {
      throw new ApiError(400, `unable to parse param 'tags': ${(error as Error).message}`);
    }
  }
  if (!normalized.get('lookback')) normalized.set('lookback', DEFAULT_LOOKBACK);
  if (normalized.get('lookback') === 'custom') normalized.delete('lookback');
  if (!normalized.get('limit')) normalized.set('limit', DEFAULT_LIMIT);
  return normalized;
}

async function searchResults(search: TraceSearch): Promise<ResultRow[]> {
  const byId = search.traceIds.length > 0;
  const ids = byId ? search.traceIds : await findTraceIds(search.query);
  const summaries = await summarizeTraces(ids, byId ? {} : searchLoadWindow(search.query));
  return summaries.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0)).map(toResultRow);
}

export default async function TracesPage({ searchParams }: PageProps) {
  const params = toSearchParams(await searchParams);
  const values = readSearchValues(params);
  let search: TraceSearch | undefined;
  let formError: string | undefined;
  try {
    search = parseTraceSearch(toJaegerParams(params), { nowUs: Date.now() * 1000, requireService: false, defaultLookbackNs: HOUR_NS });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    formError = error.message;
  }

  let services: string[];
  let operations: string[] = [];
  let traces: ResultRow[] = [];
  try {
    // The form's lists and the search are independent reads: made at once, the page waits for the slowest.
    const searching = search ? searchResults(search) : Promise.resolve([]);
    searching.catch(() => {}); // awaited below, after the lists; must not go unhandled meanwhile
    [services, operations] = await Promise.all([
      listServices(),
      values.service ? listOperations(values.service).then((found) => [...new Set(found.map((operation) => operation.name))]) : [],
    ]);
    const results = await searching;
    if (services.length > 0) traces = results;
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }

  return (
    <>
      <div className="page-header header-row">
        <h1>Traces</h1>
        <div className="header-actions">
          {/* Not prefetched: both were asked for again after every search, beside the search's own request. */}
          <Link className="button-small" href="/traces/compare" prefetch={false}>
            Compare two traces
          </Link>
          <Link className="button-small" href="/traces/upload" prefetch={false}>
            Open a trace file…
          </Link>
        </div>
      </div>
      <SearchForm key={params.toString()} services={services} operations={operations} values={values} error={formError} />
      {services.length === 0 ? (
        <NoSpansYet otlpEndpoint={collectorOtlpHttpEndpoint()} />
      ) : formError ? null : traces.length === 0 ? (
        <Notice title="No traces match">
          <p>
            Nothing {values.service ? <>from <strong>{values.service}</strong> </> : null}matches in the selected window. Widen the time
            range, or remove an attribute, duration or errors-only filter.
          </p>
        </Notice>
      ) : (
        <>
          <DurationScatter rows={traces} />
          <p className="results-count muted">
            {traces.length} trace{traces.length === 1 ? '' : 's'}, newest first · tick two to compare
          </p>
          <TraceList traces={traces} nowMs={Date.now()} />
        </>
      )}
    </>
  );
}
