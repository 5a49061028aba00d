// Trace search benchmark (issue 18): GET /api/traces and the /traces page through `next start`,
// over 1M spans and, with BENCH_SEARCH_10M=1, 10M spans, of the shape the issue measured: 20-span
// traces over 50 services, 10 attributes, 5 % errors, spread over 24 h. Prints p50/p95 of each
// search at each size and the growth ratio, against the targets.
//   npx tsx scripts/bench-search.ts            (also run by `npm run bench`)
// Environment:
//   BENCH_SEARCH_10M=1    also the 10M-span database (~11 GB, ~30 min to generate on 2 cores)
//   BENCH_SEARCH_KEEP=1   keep the databases (meshlight_bench_search_1m/_10m) and reuse them
//   BENCH_SEARCH_RUNS=n   timed runs per search (default 20; limit=1500 runs a quarter of them)
//   BENCH_SEARCH_SIZES=10m  only these sizes (1m, 10m; comma-separated)
//   BENCH_SEARCH_WARMUPS=n  untimed requests before each search's timed ones (default 2)
// The rows are generated inside PostgreSQL (tests/support/generated-spans.ts) into UNLOGGED
// daily partitions, with the span indexes dropped during the load and built after: reads are
// what is measured, and this keeps 10M spans to minutes rather than hours.
import http from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { GENERATED, generatedService, insertGeneratedDictionaries, insertGeneratedSpans } from '../tests/support/generated-spans';
import { migrateDatabase } from '../tests/support/migrate';
import { ADMIN_URL, databaseExists, databaseUrl, fmt, resetDatabase, startUiChild } from './bench-support';
import { buildUi, generatePrismaClient } from './prepare';

const NS_PER_MS = 1_000_000n;
const HOUR_NS = 3_600_000n * NS_PER_MS;
const DAY_NS = 24n * HOUR_NS;
/** The data day: a fixed past date, so a kept database is reusable; searches give start/end explicitly. */
const DAY0_NS = BigInt(Date.UTC(2026, 10, 20)) * NS_PER_MS;
/** Spans cover [DATA_START_NS, DATA_END_NS): 24 h across two daily partitions, as a 24 h lookback usually does. */
const DATA_START_NS = DAY0_NS + 6n * HOUR_NS;
const DATA_END_NS = DATA_START_NS + DAY_NS;
const TRACES_PER_INSERT = 25_000;
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 20);
const KEEP = process.env.BENCH_SEARCH_KEEP === '1';
/** Untimed requests before each search's timed ones (the first one loads the route's code). */
const WARMUPS = Number(process.env.BENCH_SEARCH_WARMUPS ?? 2);
const UI_PORT = Number(process.env.BENCH_SEARCH_PORT ?? 3998);

interface Size {
  label: string;
  spans: number;
}

const ALL_SIZES: Size[] = [
  { label: '1m', spans: 1_000_000 },
  { label: '10m', spans: 10_000_000 },
];
const SIZES = ALL_SIZES.filter((size) =>
  process.env.BENCH_SEARCH_SIZES ? process.env.BENCH_SEARCH_SIZES.split(',').includes(size.label) : size.label === '1m' || process.env.BENCH_SEARCH_10M === '1',
);

const partitionName = (dayNs: bigint) => `spans_p${new Date(Number(dayNs / NS_PER_MS)).toISOString().slice(0, 10).replaceAll('-', '')}`;

/** The span count a kept database was completed with, or undefined. */
async function completedSpans(url: string): Promise<number | undefined> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ spans: string }>('SELECT spans::text FROM bench_search_meta');
    return rows[0] ? Number(rows[0].spans) : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

async function prepareDatabase(size: Size): Promise<string> {
  const name = `meshlight_bench_search_${size.label}`;
  const url = databaseUrl(name);
  if (KEEP && (await databaseExists(name)) && (await completedSpans(url)) === size.spans) {
    await migrateDatabase(url); // new migrations (e.g. an index) apply to the kept rows
    console.log(`  ${name}: kept from an earlier run`);
    return url;
  }
  const started = performance.now();
  await resetDatabase(name);
  await migrateDatabase(url);
  const client = new pg.Client(url);
  await client.connect();
  try {
    for (let day = DAY0_NS - DAY_NS; day <= DAY0_NS + 2n * DAY_NS; day += DAY_NS) {
      await client.query(`CREATE UNLOGGED TABLE "${partitionName(day)}" PARTITION OF spans FOR VALUES FROM (${day}) TO (${day + DAY_NS})`);
    }
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'spans'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    await insertGeneratedDictionaries(client);
    const traces = size.spans / GENERATED.spansPerTrace;
    const spacingNs = DAY_NS / BigInt(traces);
    for (let from = 0; from < traces; from += TRACES_PER_INSERT) {
      await insertGeneratedSpans(client, { fromTrace: from, toTrace: Math.min(traces, from + TRACES_PER_INSERT), startNs: DATA_START_NS, spacingNs });
      process.stdout.write(`\r  ${name}: ${fmt((from + TRACES_PER_INSERT) * GENERATED.spansPerTrace)} spans written`);
    }
    process.stdout.write('\n');
    await client.query(`SET maintenance_work_mem = '512MB'`);
    for (const index of indexes) {
      const t0 = performance.now();
      // pg_indexes spells an index of a partitioned table `ON ONLY spans`: built without ONLY, it
      // covers every partition.
      await client.query(index.def.replace(' ON ONLY ', ' ON '));
      console.log(`  ${name}: ${index.name} built in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    }
    await client.query('VACUUM ANALYZE');
    await client.query('CREATE TABLE bench_search_meta (spans BIGINT NOT NULL)');
    await client.query('INSERT INTO bench_search_meta VALUES ($1)', [size.spans]);
  } finally {
    await client.end();
  }
  console.log(`  ${name}: ${fmt(size.spans)} spans ready in ${fmt((performance.now() - started) / 1000)} s`);
  return url;
}

interface Search {
  name: string;
  params: Record<string, string>;
  /** The UI page is timed too (HTML response, results rendered on the server). */
  page?: boolean;
  /** Only the UI page (the API requires a service; the page's first search has none). */
  pageOnly?: boolean;
  runs?: number;
}

const micros = (ns: bigint) => (ns / 1000n).toString();

function searches(spans: number): Search[] {
  const service = generatedService(7, 0); // svc-07
  const traces = spans / GENERATED.spansPerTrace;
  // A trace in the middle of the window whose root is svc-07: its order id is on one of svc-07's spans only.
  const rareTrace = Math.floor(traces / 2 / GENERATED.services) * GENERATED.services + 7;
  const day = { start: micros(DATA_START_NS), end: micros(DATA_END_NS) };
  const hour = { start: micros(DATA_END_NS - HOUR_NS), end: micros(DATA_END_NS) };
  return [
    { name: 'service, last 1 h', params: { service, ...hour, limit: '20' }, page: true },
    { name: 'service, last 24 h', params: { service, ...day, limit: '20' }, page: true },
    { name: 'service + status_code=500, 24 h', params: { service, ...day, limit: '20', tags: JSON.stringify({ 'http.response.status_code': '500' }) } },
    { name: 'service + operation + minDuration, 24 h', params: { service, ...day, limit: '20', operation: 'GET /api/v1/op-3', minDuration: '100ms' } },
    { name: 'service + rare attribute, 24 h', params: { service, ...day, limit: '20', tags: JSON.stringify({ 'app.order.id': `ord-${rareTrace}` }) } },
    { name: 'service, 24 h, limit=1500', params: { service, ...day, limit: '1500' }, runs: Math.max(3, Math.ceil(RUNS / 4)) },
    { name: 'all services, last 1 h', params: { service: '', ...hour, limit: '20' }, pageOnly: true },
  ];
}

const agent = new http.Agent({ keepAlive: true });

function timedGet(url: string): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}: ${body.slice(0, 300)}`));
          else resolve({ ms: performance.now() - start, body });
        });
      })
      .on('error', reject);
  });
}

interface Timing {
  p50: number;
  p95: number;
  /** The fastest run: on a shared machine, the nearest to what the code costs. */
  min: number;
  results: number;
}

async function time(url: string, runs: number, count: (body: string) => number): Promise<Timing> {
  const first = await timedGet(url);
  const times: number[] = WARMUPS === 0 ? [first.ms] : [];
  for (let i = 1; i < WARMUPS; i++) await timedGet(url);
  while (times.length < runs) times.push((await timedGet(url)).ms);
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), min: times[0]!, results: count(first.body) };
}

type Figures = Map<string, Timing>;

const SUBMIT_FIGURE = '/traces: submit → results shown';

/**
 * In headless Chromium: the /traces page open on another service's results, the service changed
 * and "Find traces" clicked, until the new results are on screen (the app router moves the URL
 * when it commits the new page).
 */
async function timeSubmit(search: Search): Promise<Timing> {
  const { service, start, end, limit } = search.params as Record<string, string>;
  const other = generatedService(8, 0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const times: number[] = [];
  try {
    const page = await browser.newPage();
    const runs = Math.max(5, Math.ceil(RUNS / 2));
    for (let i = 0; i < runs + 1; i++) {
      const from = new URLSearchParams({ service: other, lookback: 'custom', start: start!, end: end!, limit: limit! });
      await page.goto(`http://127.0.0.1:${UI_PORT}/traces?${from}`);
      await page.waitForSelector('[data-testid=trace-list]');
      await page.selectOption('select[name=service]', service!);
      const started = performance.now();
      await page.click('[data-testid=search-form] button[type=submit]');
      await page.waitForFunction((name) => location.search.includes(`service=${name}`) && document.querySelector('[data-testid=trace-list]') !== null, service);
      if (i > 0) times.push(performance.now() - started); // the first run loads the page's code
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), min: times[0]!, results: 1 };
}

async function measure(size: Size, url: string): Promise<Figures> {
  const { child } = await startUiChild(UI_PORT, { DATABASE_URL: url });
  const figures: Figures = new Map();
  try {
    for (const search of searches(size.spans)) {
      if (!search.pageOnly) {
        const query = new URLSearchParams(search.params).toString();
        const api = await time(`http://127.0.0.1:${UI_PORT}/api/traces?${query}`, search.runs ?? RUNS, (body) => (JSON.parse(body) as { data: unknown[] }).data.length);
        figures.set(search.name, api);
        console.log(`  ${size.label.padStart(3)} ${search.name.padEnd(40)} p50 ${fmt(api.p50, 1).padStart(8)} ms  p95 ${fmt(api.p95, 1).padStart(8)} ms  min ${fmt(api.min, 1).padStart(8)} ms  (${api.results} traces)`);
      }
      if (search.page || search.pageOnly) {
        const { service, start, end, limit } = search.params as Record<string, string>;
        const pageQuery = new URLSearchParams({ ...(service ? { service } : {}), lookback: 'custom', start: start!, end: end!, limit: limit! }).toString();
        const page = await time(`http://127.0.0.1:${UI_PORT}/traces?${pageQuery}`, search.runs ?? RUNS, (body) => (/newest first/.test(body) ? 1 : 0));
        const name = `/traces page: ${search.name}`;
        figures.set(name, page);
        console.log(`  ${size.label.padStart(3)} ${name.padEnd(40)} p50 ${fmt(page.p50, 1).padStart(8)} ms  p95 ${fmt(page.p95, 1).padStart(8)} ms  min ${fmt(page.min, 1).padStart(8)} ms  (${page.results ? 'results shown' : 'NO RESULTS'})`);
      }
    }
    const submit = await timeSubmit(searches(size.spans)[1]!);
    figures.set(SUBMIT_FIGURE, submit);
    console.log(`  ${size.label.padStart(3)} ${SUBMIT_FIGURE.padEnd(40)} p50 ${fmt(submit.p50, 1).padStart(8)} ms  p95 ${fmt(submit.p95, 1).padStart(8)} ms  min ${fmt(submit.min, 1).padStart(8)} ms  (Chromium)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return figures;
}

export async function runSearchBench(): Promise<void> {
  console.log(`meshlight search bench: ${SIZES.map((s) => fmt(s.spans)).join(' and ')} spans, ${RUNS} runs a search, through the UI server (scripts/ui-server.mjs)`);
  generatePrismaClient();
  buildUi();
  const results: { size: Size; figures: Figures }[] = [];
  for (const size of SIZES) {
    const url = await prepareDatabase(size);
    results.push({ size, figures: await measure(size, url) });
    if (!KEEP) await new pg.Client(ADMIN_URL).connect().then(async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS meshlight_bench_search_${size.label} WITH (FORCE)`).finally(() => admin.end());
    });
  }
  agent.destroy();
  if (results.length === 2) {
    const [small, big] = results as [(typeof results)[0], (typeof results)[0]];
    console.log('');
    console.log(`  growth ${small.size.label} → ${big.size.label} (target: p50 ≤ 1.5×; at 10M p50 ≤ 150 ms, p95 ≤ 300 ms, limit=1500 ≤ 1,500 ms, page ≤ 500 ms)`);
    for (const [name, timing] of big.figures) {
      const before = small.figures.get(name)!;
      console.log(`    ${name.padEnd(52)} p50 ×${fmt(timing.p50 / before.p50, 2)}`);
    }
  }
  console.log(`  machine load average (1 min) at end ${fmt(os.loadavg()[0]!, 2)} on ${os.cpus().length} cores`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSearchBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
