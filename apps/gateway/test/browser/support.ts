import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { apps } from '../../src/db/schema/index.ts';
import type { TestGateway } from '../support/gateway.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Where screenshots of each surface are saved. */
export const SHOTS = join(repo, 'test-output', 'screenshots');

/** Lets a test's own site (its origin) load the demo app's widget, beside the origins the app already allows. */
export async function allowDemoOrigin(gw: TestGateway, origin: string): Promise<void> {
  const [demo] = await gw.database.db.select().from(apps).where(eq(apps.id, 'demo'));
  await gw.database.db.update(apps).set({ allowedOrigins: [...demo!.allowedOrigins, origin] }).where(eq(apps.id, 'demo'));
}

/** Launches Debian's headless Chromium (CHROMIUM_PATH overrides). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  for (const built of ['packages/widget/dist/widget.js', 'apps/console/dist/index.html', 'examples/script-tag/dist/index.html']) {
    if (!existsSync(join(repo, built))) throw new Error(`${built} is missing: build first (pnpm -r run build).`);
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Everything a page received: socket frames, response bodies, console messages. */
export function recordTraffic(page: Page): { frames: string[]; responses: string[]; errors: string[] } {
  const traffic = { frames: [] as string[], responses: [] as string[], errors: [] as string[] };
  page.on('websocket', (ws) => ws.on('framereceived', (f) => traffic.frames.push(String(f.payload))));
  page.on('response', async (response) => {
    try {
      traffic.responses.push(await response.text());
    } catch {
      // Redirects and aborted requests have no body.
    }
  });
  page.on('pageerror', (error) => traffic.errors.push(String(error)));
  return traffic;
}

/** Signs the demo agent in to the console in a fresh context. */
export async function signIn(context: BrowserContext, url: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/console/`);
  await page.getByLabel('Email').fill('agent@example.com');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'Reply' }).or(page.getByRole('navigation')).first().waitFor();
  return page;
}

/**
 * A visitor opens the messenger on the demo site at `siteUrl` (giving `name` in the pre-chat
 * form when one is asked for) and writes a first message, in a new browser context; resolves
 * once it is sent.
 */
export async function visitorWrites(browser: Browser, siteUrl: string, text: string, name?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(siteUrl);
  await page.getByRole('button', { name: 'Open chat' }).click();
  if (name !== undefined) {
    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    await page.getByRole('button', { name: 'Start chat' }).click();
  }
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => page.getByText('Sent').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  return { context, page };
}

/** Once a chat became a ticket: opens it with "Go to ticket #…", and answers its number and its panel. */
export async function goToTicket(agent: Page): Promise<{ number: number; ticket: Locator }> {
  const go = agent.getByRole('button', { name: /^Go to ticket #\d+$/ });
  await go.waitFor({ timeout: 15_000 });
  const number = Number((await go.textContent())!.replace(/\D/g, ''));
  await go.click();
  return { number, ticket: agent.getByRole('region', { name: `Ticket #${number}` }) };
}
