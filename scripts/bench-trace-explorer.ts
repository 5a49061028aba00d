// Browser benchmark of the trace explorer (issue targets): traces of several tree shapes and sizes
// (scripts/bench-data.ts makeShapedTrace: random, deep chain, wide fan-out, thousands of orphans,
// thousands of distinct names; plus an 11-span trace) sent through a collector with the official
// OTLP exporter into a scratch database on the real PostgreSQL, opened in headless Chromium against
// the production build:
//   open     navigation start → the waterfall's first row painted (Element Timing: with the
//            server's HTML for a small trace, by the client island for a larger one), best and
//            median of BENCH_EXPLORER_RUNS cold loads; beside it "interactive" (the page's
//            `meshlight:waterfall-painted` mark: hydrated, rows rendered, frame painted)
//   scroll   the 100k trace scrolled top to bottom by script, one step per animation frame
//            (whole new rows every frame), frame times from requestAnimationFrame: p50, p95, max
// Targets: small trace open ≤ 400 ms; 10k ≤ 1 s; 100k ≤ 2 s; 100k scroll p95 frame ≤ 50 ms. The
// machine's load average is printed beside every figure: on 2 shared cores it moves them all.
//   npx tsx scripts/bench-trace-explorer.ts        (or BENCH_EXPLORER=1 npm run bench)
//   BENCH_EXPLORER_SHAPES=random,chain  BENCH_EXPLORER_SIZES=11,10000  BENCH_EXPLORER_RUNS=3
import os from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { exportSpans, makeExporter } from '../tests/support/official-exporters';
import { createScratchDatabase } from '../tests/support/scratch-database';
import { startTestCollector } from '../tests/support/test-collector';
import { startUiServer } from '../tests/support/ui-server';
import { makeShapedTrace, TRACE_SHAPES, type TraceShape } from './bench-data';
import { generatePrismaClient } from './prepare';

const RUNS = Number(process.env.BENCH_EXPLORER_RUNS ?? 5);
const SIZES = (process.env.BENCH_EXPLORER_SIZES ?? '11,10000,100000').split(',').map(Number);
const SHAPES = (process.env.BENCH_EXPLORER_SHAPES ?? Object.keys(TRACE_SHAPES).join(',')).split(',') as TraceShape[];
const targetOpenMs = (size: number) => (size <= 100 ? 400 : size <= 10_000 ? 1000 : 2000);
const TARGET_FRAME_MS = 50;

interface Case {
  shape: TraceShape;
  size: number;
  traceId: string;
}

/** The cases: the small trace in one shape (shapes of 11 spans look alike), the others in every shape. */
function cases(): Array<Omit<Case, 'traceId'>> {
  return SIZES.flatMap((size) => (size <= 100 ? [{ shape: 'random' as const, size }] : SHAPES.map((shape) => ({ shape, size }))));
}

const load = () => os.loadavg().map((n) => n.toFixed(1)).join(' ');

async function ingest(databaseUrl: string): Promise<Case[]> {
  const collector = await startTestCollector(databaseUrl);
  const made: Case[] = [];
  try {
    const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
    for (const { shape, size } of cases()) {
      const spans = makeShapedTrace(shape, size);
      for (let i = 0; i < spans.length; i += 2000) await exportSpans(exporter, spans.slice(i, i + 2000));
      made.push({ shape, size, traceId: spans[0]!.spanContext().traceId });
    }
    await exporter.shutdown();
    if (!(await collector.flushed(300_000))) throw new Error('the collector did not write everything');
  } finally {
    await collector.stop();
  }
  return made;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const percentile = (values: number[], p: number) => sorted(values)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

interface OpenTiming {
  /**
   * Navigation → the waterfall's first row painted (Element Timing of the first row's name): with
   * the server's HTML for a small trace, after the island rendered the fetched parts for a larger one.
   */
  painted: number;
  /** Navigation → the explorer hydrated with its rows and their frame painted (the page's mark). */
  interactive: number;
  /** Navigation → the first trace part requested; null when the trace came with the HTML. */
  dataRequested: number | null;
  /** Navigation → the last trace part received; null when the trace came with the HTML. */
  dataReceived: number | null;
  /** Navigation → DOMContentLoaded (HTML parsed, page scripts run). */
  domContentLoaded: number;
}

// Read in the page after the paint mark (text: tsx would wrap named functions in a helper).
const TIMING_SCRIPT = `new Promise((resolve) => {
  const parts = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/ui/traces/'));
  const nav = performance.getEntriesByType('navigation')[0];
  const interactive = performance.getEntriesByName('meshlight:waterfall-painted')[0].startTime;
  const done = (painted) => resolve({
    painted,
    interactive,
    dataRequested: parts.length ? Math.min(...parts.map((r) => r.startTime)) : null,
    dataReceived: parts.length ? Math.max(...parts.map((r) => r.responseEnd)) : null,
    domContentLoaded: nav.domContentLoadedEventEnd,
  });
  const timer = setTimeout(() => done(interactive), 2000);
  new PerformanceObserver((list, observer) => {
    const row = list.getEntries().find((e) => e.identifier === 'meshlight-waterfall-first-row');
    if (!row) return;
    observer.disconnect();
    clearTimeout(timer);
    done(Math.min(row.renderTime || row.loadTime, interactive));
  }).observe({ type: 'element', buffered: true });
})`;

async function openTimes(browser: Browser, url: string): Promise<OpenTiming[]> {
  const times: OpenTiming[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => performance.getEntriesByName('meshlight:waterfall-painted')[0]?.startTime, undefined, { timeout: 60_000 });
    times.push((await page.evaluate(TIMING_SCRIPT)) as OpenTiming);
    await page.close();
  }
  return times;
}

const SCROLL_SCRIPT = `new Promise((resolve) => {
  const scroller = document.querySelector('[data-testid="waterfall"]');
  const frames = [];
  const steps = 600;
  const step = (scroller.scrollHeight - scroller.clientHeight) / steps;
  let last = 0;
  let n = 0;
  let blank = 0;
  function tick(now) {
    frames.push(now - last);
    last = now;
    // Did the frame just painted have a row at the top of the view (not an empty gap)?
    const top = scroller.scrollTop;
    let covered = false;
    for (const row of scroller.querySelectorAll('.wf-row')) {
      const y = Number(row.dataset.row) * 26;
      if (y <= top && y + 26 > top) { covered = true; break; }
    }
    if (!covered && n > 1) blank++;
    if (n++ >= steps) return resolve({ frames: frames.slice(1), rows: Number(scroller.getAttribute('aria-rowcount')), blank });
    scroller.scrollTop = Math.round(n * step);
    requestAnimationFrame(tick);
  }
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
})`;

async function scrollFrames(browser: Browser, url: string): Promise<{ frames: number[]; rows: number; blank: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('meshlight:waterfall-painted').length > 0, undefined, { timeout: 60_000 });
  // Passed as text: tsx would wrap named functions in a helper the page does not have.
  const result = (await page.evaluate(SCROLL_SCRIPT)) as { frames: number[]; rows: number; blank: number };
  const bottomRow = await page.locator('.wf-row').last().getAttribute('data-span');
  await page.close();
  if (!bottomRow) throw new Error('no row rendered at the bottom');
  return result;
}

async function main(): Promise<void> {
  console.log(`meshlight trace explorer bench: ${cases().map((c) => `${fmt(c.size)} ${c.shape}`).join(', ')}; ${RUNS} cold loads each, headless Chromium`);
  console.log(`  load average at start: ${load()} (${os.cpus().length} cores)`);
  generatePrismaClient();
  // A scratch database on the PostgreSQL of TEST_DATABASE_ADMIN_URL (default 127.0.0.1:5432).
  const database = await createScratchDatabase('meshlight_bench_explorer');
  const made = await ingest(database.url);
  const ui = await startUiServer(database.url);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // Warm the server (first request of each route loads its modules).
    for (const c of made) await fetch(`${ui.url}/api/ui/traces/${c.traceId}?part=0&parts=2`);
    await fetch(`${ui.url}/traces/${made[0]!.traceId}`);
    console.log('  open: navigation → waterfall painted (first row, Element Timing); interactive = hydrated with rows');
    for (const c of made) {
      const timings = await openTimes(browser, `${ui.url}/traces/${c.traceId}`);
      const times = timings.map((t) => t.painted);
      const median = percentile(times, 50);
      const target = targetOpenMs(c.size);
      const med = (key: keyof OpenTiming) => {
        const values = timings.map((t) => t[key]).filter((v): v is number => v !== null);
        return values.length ? `${fmt(percentile(values, 50))} ms` : 'with the HTML';
      };
      console.log(
        `    ${fmt(c.size).padStart(7)} spans ${c.shape.padEnd(15)} median ${fmt(median).padStart(5)} ms, best ${fmt(Math.min(...times)).padStart(5)} ms, worst ${fmt(Math.max(...times)).padStart(5)} ms` +
          `  (target ≤ ${fmt(target)} ms; median/target ${(median / target).toFixed(2)})  load ${load()}`,
      );
      console.log(
        `    ${''.padStart(23)} medians: data requested ${med('dataRequested')}, received ${med('dataReceived')}, DOMContentLoaded ${med('domContentLoaded')}, interactive ${med('interactive')}`,
      );
    }
    const biggest = made.find((c) => c.size === Math.max(...SIZES) && c.shape === 'random') ?? made.at(-1)!;
    const { frames, rows, blank } = await scrollFrames(browser, `${ui.url}/traces/${biggest.traceId}`);
    const p95 = percentile(frames, 95);
    console.log(`  scroll (${biggest.shape}): ${fmt(rows)} rows top to bottom in ${frames.length} frames (all rows new every frame; ${blank} frames showed no row at the top)`);
    console.log(
      `    frame time p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms` +
        `  (target p95 ≤ ${TARGET_FRAME_MS} ms; p95/target ${(p95 / TARGET_FRAME_MS).toFixed(2)})  load ${load()}`,
    );
  } finally {
    await browser.close();
    await ui.stop();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
