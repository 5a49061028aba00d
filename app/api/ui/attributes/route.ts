// GET /api/ui/attributes?service=&key= — attribute keys seen on a bounded sample of recent spans
// (of the service, when given) and their resources; with `key`, that key's most frequent values.
import {
  ATTRIBUTE_SAMPLE_SPANS,
  ATTRIBUTE_SAMPLE_WINDOW_NS,
  parseAttributeSuggestionRequest,
  type AttributeSuggestions,
} from '@/lib/contracts/trace-explorer-api';
import { sampleAttributeKeys, sampleAttributeValues } from '@/lib/db/trace-explorer-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const { service, key } = parseAttributeSuggestionRequest(new URL(request.url).searchParams);
  const query = { service, sinceNs: BigInt(Date.now()) * 1_000_000n - ATTRIBUTE_SAMPLE_WINDOW_NS, sample: ATTRIBUTE_SAMPLE_SPANS };
  const body: AttributeSuggestions = key ? { key, values: await sampleAttributeValues({ ...query, key }) } : { keys: await sampleAttributeKeys(query) };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
