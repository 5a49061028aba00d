// Headless screenshots of UI pages (Debian's chromium via playwright-core), for docs and review.
//   npx tsx scripts/ui-screenshots.ts <baseUrl> <outDir> name=/path [name=/path ...]
// e.g. npx tsx scripts/ui-screenshots.ts http://127.0.0.1:3100 docs/screenshots services=/ traces=/traces
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, outDir, ...pages] = process.argv.slice(2);
if (!baseUrl || !outDir || pages.length === 0) {
  console.error('usage: ui-screenshots.ts <baseUrl> <outDir> name=/path [name=/path ...]  (name=/path#open=N selects the Nth waterfall row)');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  for (const spec of pages) {
    const [name, rawPath] = spec.split(/=(.*)/s) as [string, string];
    const [pagePath, action] = rawPath.split('#');
    const response = await page.goto(new URL(pagePath!, baseUrl).toString(), { waitUntil: 'networkidle' });
    if (action?.startsWith('open')) {
      // open=N: select the Nth waterfall row (1-based), which opens its details.
      const index = Number(action.split('=')[1] ?? 1) - 1;
      await page.locator('.wf-row').nth(index).click();
      await page.locator('[data-testid="span-detail"] .attr-table').first().waitFor();
    }
    const file = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`${response?.status()} ${pagePath} → ${file}`);
  }
} finally {
  await browser.close();
}
