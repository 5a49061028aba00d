import { chromium } from 'playwright-core';
const [url, out, wait = '4000', width = '1500', height = '950'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
const errors: string[] = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
await page.goto(url!, { waitUntil: 'load', timeout: 120000 });
await page.waitForTimeout(Number(wait));
const click = process.env.CLICK;
if (click) { await page.locator(click).first().click(); await page.waitForTimeout(2500); }
await page.screenshot({ path: out! });
console.log(errors.slice(0, 10).join('\n'));
await browser.close();
