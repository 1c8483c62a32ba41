import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations, visitors } from '../../src/db/schema/index.ts';
import { cid, DEMO_SECRET, startGateway, type TestGateway } from '../support/gateway.ts';
import { allowDemoOrigin, launchBrowser, recordTraffic, SHOTS } from './support.ts';

let gw: TestGateway;
let browser: Browser;
// The website: its own origin, which the demo app allows, serving the pages of these tests.
let site: Server;
let siteUrl: string;
const pages = new Map<string, string>();

beforeAll(async () => {
  gw = await startGateway();
  site = createServer((request, response) => {
    const html = pages.get(request.url ?? '');
    response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  await allowDemoOrigin(gw, siteUrl);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await gw?.close();
});

/** What a website's server computes for its signed-in user. */
const sign = (userId: string, secret = DEMO_SECRET) => createHmac('sha256', secret).update(userId).digest('hex');

const EVENTS = ['ready', 'open', 'close', 'identified', 'error', 'unreadCountChange', 'conversationStarted', 'messageReceived'];

/**
 * A page of the website (another origin than Parley's, allowed by the app) with the queue
 * snippet: it records every SDK event in `window.seen`, then boots.
 */
function snippetPage(boot: Record<string, unknown>): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script>
  window.seen = [];
  (function(w,d){w.Parley=w.Parley||function(){(w.Parley.q=w.Parley.q||[]).push(arguments)};var s=d.createElement('script');s.async=1;s.src='${gw.url}/widget.js';d.head.appendChild(s)})(window,document);
  ${JSON.stringify(EVENTS)}.forEach(function (event) { Parley('on', event, function (payload) { seen.push({ event: event, payload: payload === undefined ? null : payload }); }); });
  Parley('boot', ${JSON.stringify(boot)});
</script></head><body><main><h1>A shop</h1><p>Products.</p></main></body></html>`;
}

/** The same, with the ESM package imported by a module script. */
function esmPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title>
<script type="module">
  import { createParley } from '${gw.url}/widget/esm/index.js';
  const parley = createParley();
  window.parley = parley;
  window.seen = [];
  window.unsubscribeType = typeof parley.on('open', () => seen.push({ event: 'open' }));
  parley.boot({ appId: 'demo', baseUrl: '${gw.url}' });
</script></head><body><main><h1>An app</h1></main></body></html>`;
}

/** Serves the HTML at `<site>/<name>.html`; answers its URL. */
function serve(html: string, name = `sdk-${cid()}`): string {
  pages.set(`/${name}.html`, html);
  return `${siteUrl}/${name}.html`;
}

/** Opens a page of the website with the given HTML, once its loader has run. */
async function openPage(context: BrowserContext, html: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(serve(html));
  await page.waitForFunction(() => (window as unknown as { Parley?: { loaded?: boolean } }).Parley?.loaded === true);
  return page;
}

type Seen = { event: string; payload: Record<string, unknown> | null }[];
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
/** The lifecycle events the page heard, in order (the messenger's own, like unreadCountChange, left out). */
const events = async (page: Page) => (await seen(page)).map((s) => s.event).filter((event) => ['ready', 'open', 'close'].includes(event));
/** Calls `Parley(method, ...args)` in the page and waits for what it returns (core methods resolve when done). */
const parley = (page: Page, method: string, ...args: unknown[]) =>
  page.evaluate(([m, a]) => (window as unknown as { Parley: (m: string, ...a: unknown[]) => unknown }).Parley(m as string, ...(a as unknown[])) as Promise<void>, [method, args] as const);
const stored = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('parley:')));
const token = (page: Page) => page.evaluate(() => localStorage.getItem('parley:demo:session'));
const launcher = (page: Page) => page.locator('parley-widget').locator('button.launcher');

async function me(bearer: string) {
  const response = await fetch(`${gw.url}/api/visitor/me`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
async function conversationIds(bearer: string): Promise<string[]> {
  const response = await fetch(`${gw.url}/api/visitor/conversations`, { headers: { authorization: `Bearer ${bearer}` } });
  return ((await response.json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id);
}

/** Opens the messenger with the launcher and sends a message; waits until it is stored. */
async function chat(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => page.getByText('Sent').count(), { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('the SDK in a real page', () => {
  it('show, hide, toggle, on, off and ready work from the script tag; nothing is loaded, stored or connected before', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    const warnings: string[] = [];
    const page = await context.newPage();
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    page.on('websocket', (ws) => requests.push(new URL(ws.url()).pathname));
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    const encodings = new Map<string, string | undefined>();
    page.on('response', (response) => encodings.set(new URL(response.url()).pathname, response.headers()['content-encoding']));
    await page.goto(serve(snippetPage({ appId: 'demo' }), 'sdk-basic'));
    await page.evaluate(() => new Promise<void>((resolve) => (function wait() { const p = (window as unknown as { Parley: { ready?: Promise<void> } }).Parley; if (p.ready) void p.ready.then(resolve); else setTimeout(wait, 10); })()));
    await launcher(page).waitFor();
    await page.waitForTimeout(300);

    // Booted: the launcher only. No other module, no API call, no socket, nothing stored.
    expect(requests).toEqual(['/sdk-basic.html', '/widget.js', '/widget/sdk.js', ...requests.slice(3).filter((path) => path.startsWith('/widget/chunks/'))]);
    expect(requests.some((path) => path.startsWith('/api/') || path.startsWith('/ws/'))).toBe(false);
    expect(await stored(page)).toEqual([]);
    expect(await events(page)).toEqual(['ready']);
    // The build's brotli copies: Chromium asks for brotli from secure origins, and localhost is one.
    expect([encodings.get('/widget.js'), encodings.get('/widget/sdk.js')]).toEqual(['br', 'br']);

    await parley(page, 'show');
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => events(page)).toEqual(['ready', 'open']);
    await page.screenshot({ path: join(SHOTS, 'sdk-show.png') });

    await parley(page, 'hide');
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('false');
    await parley(page, 'toggle');
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => events(page)).toEqual(['ready', 'open', 'close', 'open']);

    // `on` answers an unsubscribe function; `off` removes a listener.
    await page.evaluate(() => {
      const w = window as unknown as { Parley: (...a: unknown[]) => unknown; count: number };
      w.count = 0;
      const bump = () => (w.count += 1);
      const stop = w.Parley('on', 'open', bump) as () => void;
      w.Parley('on', 'close', bump);
      stop();
      w.Parley('off', 'close', bump);
      w.Parley('toggle');
      w.Parley('toggle');
    });
    await expect.poll(() => events(page)).toEqual(['ready', 'open', 'close', 'open', 'close', 'open']);
    expect(await page.evaluate(() => (window as unknown as { count: number }).count)).toBe(0);

    // Misuse never throws into the page: an error event with a code and a warning that says how to fix it.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await parley(page, 'frobnicate');
    await parley(page, 'identify', { userId: 'u-1', signature: 'the-secret-itself' });
    await expect.poll(async () => (await seen(page)).filter((s) => s.event === 'error').map((s) => s.payload!.code)).toEqual(['UNKNOWN_METHOD', 'INVALID_OPTIONS']);
    expect(warnings.join('\n')).toMatch(/unknown method 'frobnicate'; use one of: boot, show, hide, toggle, on, off, identify/);
    expect(warnings.join('\n')).toMatch(/never put the secret in the page/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('identify with a good signature links the visitor; a wrong one is refused and changes nothing; the user\'s conversations follow to another device', async () => {
    const userId = `shopper-${cid()}`;
    const canary = `CANARY ${cid()}`;

    // Device one: chats, then the site identifies the signed-in user.
    const laptopContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const laptop = await openPage(laptopContext, snippetPage({ appId: 'demo' }));
    await chat(laptop, canary);
    await parley(laptop, 'identify', { userId, signature: sign(userId), name: 'Sam Shopper', email: 'sam@example.com' });
    await expect.poll(async () => (await seen(laptop)).find((s) => s.event === 'identified')?.payload).toEqual({ userId, merged: false });
    const laptopToken = (await token(laptop))!;
    expect((await me(laptopToken)).body).toMatchObject({ identified: true, userId, name: 'Sam Shopper', email: 'sam@example.com' });
    const [conversationId] = await conversationIds(laptopToken);

    // Device two claims the same user with a wrong signature: refused, stays anonymous, sees nothing.
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await openPage(phoneContext, snippetPage({ appId: 'demo', consent: 'granted' }));
    const traffic = recordTraffic(phone);
    await parley(phone, 'identify', { userId, signature: sign(userId, 'a-guessed-secret-0123456789'), name: 'Mallory' });
    await expect.poll(async () => (await seen(phone)).filter((s) => s.event === 'error').map((s) => s.payload!.code)).toEqual(['INVALID_SIGNATURE']);
    const phoneToken = (await token(phone))!;
    expect((await me(phoneToken)).body).toMatchObject({ identified: false, name: null });
    expect(await conversationIds(phoneToken)).toEqual([]);
    expect((await me(laptopToken)).body).toMatchObject({ identified: true, name: 'Sam Shopper' });
    await phone.getByRole('button', { name: 'Open chat' }).click();
    await phone.getByRole('textbox', { name: 'Message' }).waitFor();
    await phone.waitForTimeout(500);
    expect(await phone.evaluate(() => document.querySelector('parley-widget')!.shadowRoot!.innerHTML)).not.toContain(canary);
    expect([...traffic.frames, ...traffic.responses].join('\n')).not.toContain(canary);

    // With the right signature, the phone joins the laptop's visitor: the conversation is there.
    await parley(phone, 'identify', { userId, signature: sign(userId) });
    await expect.poll(async () => (await seen(phone)).find((s) => s.event === 'identified')?.payload).toEqual({ userId, merged: true });
    expect(await conversationIds(phoneToken)).toEqual([conversationId]);
    await phone.screenshot({ path: join(SHOTS, 'sdk-identified-phone.png') });
    await laptopContext.close();
    await phoneContext.close();
  });

  it('shutdown ends the session, closes the messenger and clears every key the widget stored; the next person starts afresh', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openPage(context, snippetPage({ appId: 'demo' }));
    const secret = `private ${cid()}`;
    await chat(page, secret);
    expect((await stored(page)).sort()).toEqual(expect.arrayContaining(['parley:demo:conversation', 'parley:demo:session']));
    const before = (await token(page))!;
    expect((await me(before)).status).toBe(200);

    await parley(page, 'shutdown');
    expect(await stored(page)).toEqual([]);
    expect(await page.locator('parley-widget').count()).toBe(0);
    expect((await me(before)).status).toBe(401);
    await expect.poll(() => events(page)).toContain('close');

    // The next person at this browser boots again: a new, empty session.
    await parley(page, 'boot', { appId: 'demo' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => token(page)).not.toBeNull();
    const after = (await token(page))!;
    expect(after).not.toBe(before);
    expect(await conversationIds(after)).toEqual([]);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => document.querySelector('parley-widget')!.shadowRoot!.innerHTML)).not.toContain(secret);
    await context.close();
  });

  it('a sign-out in one tab empties the messenger in the others, which make a new session only when the next person writes', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await openPage(context, snippetPage({ appId: 'demo' }));
    const secret = `private ${cid()}`;
    await chat(first, secret);
    const before = (await token(first))!;
    const second = await openPage(context, snippetPage({ appId: 'demo' }));
    await second.getByRole('button', { name: 'Open chat' }).click();
    await second.getByText(secret).waitFor();

    await parley(first, 'shutdown');
    // The gateway closes the other tab's socket (4010): its messenger forgets the last person.
    await expect.poll(() => second.getByText(secret).count()).toBe(0);
    await second.waitForTimeout(1000);
    expect(await stored(second)).toEqual([]);

    // The next person writes in that tab: a new session, which holds only their conversation.
    const box = second.getByRole('textbox', { name: 'Message' });
    await box.fill('Someone else now');
    await box.press('Enter');
    await expect.poll(() => second.getByText('Sent').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const after = (await token(second))!;
    expect(after).not.toBe(before);
    expect(await conversationIds(after)).toHaveLength(1);
    expect(await second.evaluate(() => document.querySelector('parley-widget')!.shadowRoot!.innerHTML)).not.toContain(secret);
    await context.close();
  });

  it('with consent denied the chat works and nothing is written to the browser\'s storage', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openPage(context, snippetPage({ appId: 'demo', consent: 'denied' }));
    await chat(page, 'no cookies for me');
    expect(await stored(page)).toEqual([]);
    await context.close();
  });

  it('the ESM package works from a module script, with the same methods and an unsubscribe from on()', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(serve(esmPage()));
    await launcher(page).waitFor();
    expect(await page.evaluate(() => (window as unknown as { unsubscribeType: string }).unsubscribeType)).toBe('function');
    await page.evaluate(() => (window as unknown as { parley: { show(): void } }).parley.show());
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => events(page)).toEqual(['open']);
    await context.close();
  });

  it('the ESM example app signs its user on its server; sign-in, sign-out and another user in the same browser keep conversations apart', async () => {
    const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'esm-app');
    expect(existsSync(join(exampleDir, 'dist', 'parley', 'index.js')), 'build examples/esm-app first').toBe(true);
    const child = spawn(process.execPath, ['server.mjs'], {
      cwd: exampleDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PARLEY_URL: gw.url, PARLEY_IDENTITY_SECRET: DEMO_SECRET },
    });
    try {
      const appUrl = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = /Example app on (http:\/\/[^/\s]+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('exit', (code) => reject(new Error(`the example exited with ${code}:\n${output}`)));
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${appUrl}/`);
      const log = page.getByRole('list', { name: 'Parley events' });

      await page.getByRole('button', { name: 'Sign in as Ada' }).click();
      await page.getByText('Signed in as Ada Lovelace').waitFor();
      await page.getByRole('button', { name: 'Ask for help' }).click();
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('Ada asks about invoices');
      await box.press('Enter');
      await log.getByText('identified {"userId":"user-ada","merged":false}').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByText('Sent').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOTS, 'esm-app.png') });

      const ownerOf = async (userId: string) => {
        const [row] = await gw.database.db
          .select({ visitorId: visitors.id })
          .from(visitors)
          .innerJoin(contacts, eq(contacts.id, visitors.contactId))
          .where(eq(contacts.userId, userId));
        return row?.visitorId;
      };
      const ada = await ownerOf('user-ada');
      expect(ada).toBeDefined();
      const adas = await gw.database.db.select().from(conversations).where(eq(conversations.visitorId, ada!));
      expect(adas).toHaveLength(1);

      // Grace signs in at the same browser: Ada's session ends first, and Grace sees none of it.
      await page.getByRole('button', { name: 'Sign in as Grace' }).click();
      await page.getByText('Signed in as Grace Hopper').waitFor();
      await page.getByRole('button', { name: 'Ask for help' }).click();
      await page.getByRole('textbox', { name: 'Message' }).waitFor();
      await log.getByText('identified {"userId":"user-grace","merged":false}').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => document.querySelector('parley-widget')!.shadowRoot!.innerHTML)).not.toContain('Ada asks about invoices');
      const grace = await ownerOf('user-grace');
      expect(grace).toBeDefined();
      expect(grace).not.toBe(ada);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('Not signed in').waitFor();
      expect(await stored(page)).toEqual([]);
      await context.close();
    } finally {
      child.kill('SIGTERM');
    }
  });
});
