import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { allowDemoOrigin, launchBrowser, SHOTS } from './support.ts';

let gw: TestGateway;
let browser: Browser;
let site: Server;
let siteUrl: string;

/**
 * A customer's page with a strict Content-Security-Policy (no inline script or style at all, only
 * the Parley server for scripts and connections) and a header of its own (its banner landmark),
 * embedding the widget with the single-tag snippet.
 */
function startSite(): Promise<void> {
  site = createServer((_request, response) => {
    const gateway = new URL(gw.url);
    response.setHeader(
      'content-security-policy',
      `default-src 'none'; script-src ${gateway.origin}; style-src 'self'; connect-src ${gateway.origin} ws://${gateway.host}; img-src ${gateway.origin} blob:; base-uri 'none'; form-action 'self'`,
    );
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Strict shop</title>
      <script src="${gw.url}/widget.js" data-app-id="demo" async></script></head>
      <body><header><a href="/">Strict shop</a></header><main><h1>Plant care</h1>${'<p>Water once a week.</p>'.repeat(80)}</main></body></html>`);
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
}

beforeAll(async () => {
  gw = await startGateway();
  await startSite();
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  await allowDemoOrigin(gw, siteUrl);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await gw?.close();
});

/** Every CSP violation the page reports (the listener is installed before any of the page's code runs). */
const violations = (page: Page) => page.evaluate(() => (window as unknown as { violations: string[] }).violations);

describe('the widget on a page with a strict Content-Security-Policy', () => {
  it('opens fullscreen on a phone, sends, closes and gives the page its styles back without a single violation; no second banner', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await context.addInitScript(() => {
      const seen: string[] = ((window as unknown as { violations: string[] }).violations = []);
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
    });
    const page = await context.newPage();
    await page.goto(siteUrl);
    // The page styles its body inline (through the CSSOM, which the policy allows), and is scrolled.
    await page.evaluate(() => {
      document.body.style.background = 'rgb(250, 250, 240)';
      window.scrollTo(0, 300);
    });
    const before = await page.evaluate(() => document.body.getAttribute('style'));

    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).position)).toBe('fixed');
    await box.fill('Hello under a strict policy');
    await box.press('Enter');
    await page.getByText('Sent').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'messenger-strict-csp.png') });

    // The page's own <header> is its banner; the open messenger adds none.
    await page.evaluate(axe.source);
    const landmarks = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: ['landmark-no-duplicate-banner', 'landmark-unique'], resultTypes: ['violations'] });
      return result.violations.map((v) => v.id);
    });
    expect(landmarks).toEqual([]);

    await page.getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(300);
    // A style attribute written as text would be refused (and reported) under this policy.
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => document.body.getAttribute('style'))).toBe(before);
    await context.close();
  });
});
