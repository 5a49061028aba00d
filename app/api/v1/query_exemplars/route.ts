// GET|POST /api/v1/query_exemplars — Prometheus: exemplars are not stored yet, so always none
// (after checking the parameters, so a broken request still gets a 400).
import { z } from 'zod';
import { paramsObject } from '@/lib/contracts/prometheus-api';
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

const params = z.object({ query: z.string({ error: 'invalid parameter "query": missing' }).min(1) });

export const { GET, POST } = promRoute(async (search) => {
  params.parse(paramsObject(search));
  return [];
});
