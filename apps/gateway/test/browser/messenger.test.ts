import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_LEFT } from '../../src/domain/conversations/messenger-service.ts';
import { DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { allowDemoOrigin, launchBrowser, recordTraffic, SHOTS, signIn } from './support.ts';

let gw: TestGateway;
let browser: Browser;
let site: Server;
let siteUrl: string;

/**
 * A website of its own origin embedding the widget from the gateway, as a customer's site does:
 * `/?boot=<json>` boots with those options. Its origin is added to the demo app's allowed origins.
 */
function startSite(): Promise<void> {
  site = createServer((request, response) => {
    const boot = JSON.parse(new URL(request.url ?? '/', 'http://x').searchParams.get('boot') ?? '{}') as Record<string, unknown>;
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"><title>Shop</title>
      <script>(function(w,d){w.Parley=w.Parley||function(){(w.Parley.q=w.Parley.q||[]).push(arguments)};var s=d.createElement('script');s.async=1;s.src=${JSON.stringify(`${gw.url}/widget.js`)};d.head.appendChild(s)})(window,document);Parley('boot',${JSON.stringify({ appId: 'demo', ...boot })});</script>
      </head><body><main><h1>Shop</h1>${'<p>Plants and pots, delivered to your door.</p>'.repeat(80)}</main></body></html>`);
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

/** The site's page, booting the widget with these options. */
async function sitePage(page: Page, boot: Record<string, unknown> = {}): Promise<void> {
  await page.goto(`${siteUrl}/?boot=${encodeURIComponent(JSON.stringify(boot))}`);
}

/** axe-core over the widget's shadow DOM (the page around it is not ours). */
async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: unknown[] }[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run({ include: [['parley-widget']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
}

const panelBox = (page: Page) => page.locator('parley-widget').locator('.panel').boundingBox();

describe('the messenger on a phone', () => {
  it('opens fullscreen, follows the on-screen keyboard, keeps the page behind from scrolling and gives it back exactly', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await sitePage(page);
    await page.evaluate(() => {
      document.body.style.background = 'rgb(250, 250, 240)';
      window.scrollTo(0, 400);
    });
    const before = await page.evaluate(() => ({ y: window.scrollY, body: document.body.getAttribute('style'), html: document.documentElement.getAttribute('style') }));
    expect(before.y).toBe(400);

    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await expect.poll(() => panelBox(page)).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await box.fill('Hello from my phone');
    await box.press('Enter');
    await page.getByText('Sent').waitFor({ timeout: 15_000 });

    // The page behind does not scroll: not by the wheel over the panel, not by script.
    await page.mouse.wheel(0, 600);
    await page.evaluate(() => window.scrollBy(0, 300));
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await page.evaluate(() => getComputedStyle(document.body).position)).toBe('fixed');
    await page.screenshot({ path: join(SHOTS, 'messenger-phone.png') });

    // "End chat" asks first; while it asks (aria-expanded) the button keeps its look: the open
    // launcher's style, in the same shadow root, is for the launcher alone.
    const end = page.getByRole('button', { name: 'End chat' }).first();
    const closed = await end.boundingBox();
    await end.click();
    await page.getByRole('button', { name: 'Keep chatting' }).waitFor();
    expect(await end.getAttribute('aria-expanded')).toBe('true');
    expect(await end.boundingBox()).toEqual(closed);
    await page.getByRole('button', { name: 'Keep chatting' }).click();

    // The keyboard opens: the visual viewport shrinks; the text box stays in view above it.
    await page.setViewportSize({ width: 390, height: 480 });
    await expect.poll(async () => (await panelBox(page))?.height).toBe(480);
    const composer = await box.boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(480);
    await page.screenshot({ path: join(SHOTS, 'messenger-phone-keyboard.png') });
    expect(await axeViolations(page)).toEqual([]);

    // Closed again: the page's own styles and scroll position come back as they were.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(400);
    expect(await page.evaluate(() => ({ y: window.scrollY, body: document.body.getAttribute('style'), html: document.documentElement.getAttribute('style') }))).toEqual(before);
    await context.close();
  });

  it('keeps text boxes at 16px, the composer in view under many refused files, and the close button visible over the web form', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    // The launcher on the left: the web form's "Back to the chat" is in that corner too.
    await sitePage(page, { position: 'left' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    const widget = page.locator('parley-widget');
    const fontSize = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => getComputedStyle(el).fontSize);
    // Below 16px, iOS Safari zooms the page into a text box when it gets focus.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    expect(await fontSize(box)).toBe('16px');
    await box.fill('Anyone there?');
    await box.press('Enter');
    await page.getByText('Nobody can answer right now', { exact: false }).waitFor({ timeout: 15_000 });
    const email = widget.getByRole('textbox', { name: 'Your e-mail' });
    expect(await fontSize(email)).toBe('16px');
    // "Notify me" sits beside the input, not beside its label.
    expect((await widget.getByRole('button', { name: 'Notify me' }).boundingBox())!.y).toBeCloseTo((await email.boundingBox())!.y, 0);

    // Files the messenger refuses, each with its reason: their list scrolls, the text box and Send stay in view.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach a file' }).click()]);
    await chooser.setFiles([1, 2, 3, 4, 5, 6].map((n) => ({ name: `setup-${n}.exe`, mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })));
    await widget.getByRole('alert').filter({ hasText: 'setup-6.exe can’t be sent.' }).waitFor();
    const pending = widget.locator('.pending');
    expect(await pending.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    const send = await page.getByRole('button', { name: 'Send', exact: true }).boundingBox();
    expect(send!.y + send!.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: join(SHOTS, 'messenger-phone-refused-files.png') });

    // The web form over the messenger: the close button keeps the header's colour on the white form, clear of "Back to the chat".
    await page.getByRole('button', { name: 'Your conversations' }).click();
    await page.getByRole('button', { name: 'Send a request' }).click();
    const form = widget.locator('[part="webform"]');
    await form.getByRole('heading', { name: 'Send us a request' }).waitFor();
    const close = page.getByRole('button', { name: 'Close chat' });
    const header = await widget.locator('.header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await close.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(header);
    const [closeBox, back] = [await close.boundingBox(), await form.getByRole('button', { name: /Back to the chat/ }).boundingBox()];
    expect(back!.y >= closeBox!.y + closeBox!.height || back!.x >= closeBox!.x + closeBox!.width).toBe(true);
    expect(await fontSize(form.getByLabel('Your name'))).toBe('16px');
    expect(await fontSize(form.getByLabel('How can we help?'))).toBe('16px');
    await page.screenshot({ path: join(SHOTS, 'messenger-phone-webform.png') });
    await context.close();
  });
});

describe('the messenger on a desktop, with an agent in the console', () => {
  it('shows typing and "Seen" both ways, never an internal note’s typing, the end of the chat, and passes axe', async () => {
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitor = await visitorContext.newPage();
    const traffic = recordTraffic(visitor);
    await sitePage(visitor);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Message' });
    await box.fill('Can I repot a cactus in winter?');
    await box.press('Enter');
    await visitor.getByText('Sent').waitFor({ timeout: 15_000 });
    // Nobody is online yet.
    await visitor.getByText('We’re offline').waitFor();
    await visitor.getByText('Nobody can answer right now', { exact: false }).waitFor();

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await signIn(agentContext, gw.url, DEMO_PASSWORD);
    // Signed in is not yet available: the agent chooses Online, and accepts the chat offered to them.
    await agent.evaluate(async () => {
      await fetch('/api/agent/status', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'online' }) });
      for (;;) {
        const { offers } = (await (await fetch('/api/agent/routing')).json()) as { offers: { id: string }[] };
        if (offers[0]) return void (await fetch(`/api/agent/offers/${offers[0].id}/accept`, { method: 'POST' }));
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    await visitor.getByText('We’re online').waitFor({ timeout: 15_000 });
    // Opened from the conversation list (the offer's pop-over may still show the same words).
    await agent.getByRole('navigation', { name: /Open conversations/ }).getByText('Can I repot a cactus in winter?').click();
    // The agent has read it: the visitor sees "Seen".
    await visitor.getByText('Seen').waitFor({ timeout: 15_000 });

    // The agent types a reply: the visitor sees it.
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.pressSequentially('Yes, ', { delay: 20 });
    await visitor.getByText('Demo Agent is typing…').waitFor({ timeout: 15_000 });
    await visitor.screenshot({ path: join(SHOTS, 'messenger-typing.png') });
    await reply.fill('Yes, but water it less.');
    await reply.press('Enter');
    await visitor.getByText('Yes, but water it less.').waitFor({ timeout: 15_000 });
    await expect.poll(() => visitor.getByText('Demo Agent is typing…').count()).toBe(0);
    // The visitor has it on screen: the console says the visitor has seen it.
    await agent.getByText('Seen by the visitor').waitFor({ timeout: 15_000 });

    // The visitor types: the console shows it.
    await box.pressSequentially('Thanks', { delay: 20 });
    await agent.getByText('The visitor is typing…').waitFor({ timeout: 15_000 });
    await agent.screenshot({ path: join(SHOTS, 'console-typing-seen.png') });
    await box.press('Enter');

    // Typing an internal note never reaches the visitor's page.
    const typingFrames = () => traffic.frames.filter((f) => f.includes('"type":"typing"')).length;
    await agent.getByRole('radio', { name: 'Internal note' }).check();
    await agent.waitForTimeout(300);
    const seenBefore = typingFrames();
    await agent.getByRole('textbox', { name: 'Internal note' }).pressSequentially('customer is a regular', { delay: 20 });
    await agent.waitForTimeout(500);
    expect(typingFrames()).toBe(seenBefore);
    expect(traffic.frames.filter((f) => f.includes('"type":"typing"')).some((f) => f.includes('internal'))).toBe(false);
    await agent.getByRole('textbox', { name: 'Internal note' }).fill('');

    expect(await axeViolations(visitor)).toEqual([]);
    await visitor.screenshot({ path: join(SHOTS, 'messenger-desktop.png') });

    // The visitor ends the chat; the agent sees the customer left; the visitor can start again.
    await visitor.getByRole('button', { name: 'End chat' }).click();
    await visitor.getByRole('group', { name: 'End chat' }).getByRole('button', { name: 'End chat' }).click();
    await visitor.getByText('This chat has ended.').waitFor({ timeout: 15_000 });
    // In the thread (the conversation's row in the list may preview the same line).
    await agent.getByRole('log', { name: 'Messages' }).getByText(CUSTOMER_LEFT).waitFor({ timeout: 15_000 });
    expect(await visitor.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('New conversation');
    expect(await axeViolations(visitor)).toEqual([]);
    await visitor.screenshot({ path: join(SHOTS, 'messenger-ended.png') });
    expect(traffic.frames.join('\n')).not.toContain(CUSTOMER_LEFT);

    // The list of conversations, by keyboard.
    await visitor.keyboard.press('Enter');
    await visitor.getByRole('textbox', { name: 'Message' }).fill('A new question');
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');
    await visitor.getByText('Sent').waitFor({ timeout: 15_000 });
    await visitor.getByRole('button', { name: 'Your conversations' }).click();
    await visitor.getByRole('heading', { name: 'Your conversations' }).waitFor();
    expect(await visitor.locator('parley-widget').locator('.row').count()).toBe(2);
    expect(await axeViolations(visitor)).toEqual([]);
    await visitor.screenshot({ path: join(SHOTS, 'messenger-list.png') });
    await visitor.keyboard.press('Escape');
    expect(await visitor.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label'))).toBe('Open chat');
    expect(traffic.errors).toEqual([]);
    await visitorContext.close();
    await agentContext.close();
  });
});

describe('the messenger in another language and direction', () => {
  it('speaks Dutch, lays out right to left, is large on desktop, and passes axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
    const page = await context.newPage();
    await sitePage(page, { dir: 'rtl', size: 'large' });
    await page.getByRole('button', { name: 'Chat openen' }).or(page.getByRole('button', { name: 'Open chat' })).first().click();
    const box = page.getByRole('textbox', { name: 'Bericht' });
    await box.waitFor();
    const panel = page.locator('parley-widget').locator('.panel');
    expect(await panel.getAttribute('dir')).toBe('rtl');
    expect(await panel.getAttribute('lang')).toBe('nl');
    await expect.poll(() => panelBox(page)).toMatchObject({ width: 440, height: 720, y: 900 - 88 - 720 });
    await box.fill('Hallo, www.example.nl heeft mijn bestelling?');
    await box.press('Enter');
    await page.getByText('Verstuurd').waitFor({ timeout: 15_000 });
    const link = page.locator('parley-widget').getByRole('link', { name: 'www.example.nl' });
    expect([await link.getAttribute('href'), await link.getAttribute('target'), await link.getAttribute('rel')]).toEqual(['https://www.example.nl', '_blank', 'noopener noreferrer']);
    // Right to left: the visitor's own bubble sits on the left.
    const bubble = await page.locator('parley-widget').locator('.message.me').boundingBox();
    const box2 = await panelBox(page);
    expect(bubble!.x - box2!.x).toBeLessThan(40);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'messenger-rtl-nl.png') });
    await context.close();
  });

  it("takes the page's theming: custom properties on parley-widget and its ::part()s, as the docs say", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await sitePage(page);
    await page.addStyleTag({
      content: `parley-widget { --parley-accent: rgb(10, 125, 79); --parley-font: Georgia, serif; --parley-radius: 4px; }
        parley-widget::part(launcher) { border-radius: 12px; }
        parley-widget::part(message me) { font-weight: 700; }`,
    });
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Themed?');
    await box.press('Enter');
    await page.getByText('Sent').waitFor({ timeout: 15_000 });
    const widget = page.locator('parley-widget');
    const style = (selector: string, property: string) => widget.locator(selector).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);
    expect(await style('.header', 'background-color')).toBe('rgb(10, 125, 79)');
    expect(await style('.panel', 'font-family')).toMatch(/^Georgia/);
    expect(await style('.panel', 'border-top-left-radius')).toBe('4px');
    expect(await style('.launcher', 'border-top-left-radius')).toBe('12px');
    expect(await style('.message.me', 'font-weight')).toBe('700');
    await context.close();
  });

  it('respects reduced motion', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await sitePage(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await page.locator('parley-widget').locator('.panel').evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    await context.close();
  });
});
