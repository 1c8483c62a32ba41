import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as files from '../support/files.ts';
import { cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { launchBrowser, recordTraffic, SHOTS, signIn } from './support.ts';

let gw: TestGateway;
let browser: Browser;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** Calls the agent API as the demo agent. */
async function asAgent(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return res.json();
}

/**
 * Runs axe-core on the page's Parley surfaces (their shadow roots included) and returns the
 * violations. A selector list reaches into shadow roots: `['parley-widget', '[part="webform"]']`.
 */
async function axeViolations(page: Page, include: (string | string[])[]): Promise<{ id: string; nodes: unknown[] }[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async (selectors) => {
    const context = { include: selectors.map((s) => (Array.isArray(s) ? [s] : [s])) } as unknown as Parameters<typeof axe.run>[0];
    const result = await (window as unknown as { axe: typeof axe }).axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  }, include);
}

/** A ticket subject far wider than the console's list. */
const LONG_SUBJECT = 'Olive tree delivery: the pot arrived cracked and the soil is all over the box';

describe('the support page: web form and portal mounted inline', () => {
  it('refuses a bad form field by field, sends a good one with its number, lists it in the portal, and carries replies both ways', async () => {
    const canary = `CANARY-${cid()}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const traffic = recordTraffic(page);
    await page.goto(`${gw.url}/support.html`);

    const form = page.locator('#request-form');
    const portal = page.locator('#your-requests');
    await form.getByRole('heading', { name: 'Send us a request' }).waitFor();
    await portal.getByText('You haven’t sent us a request yet.').waitFor();

    // Errors per field, tied to their fields, focus on the first one.
    await form.getByLabel('E-mail address').fill('ayse-at-example');
    await form.getByRole('button', { name: 'Send request' }).click();
    const name = form.getByLabel('Your name');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await name.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await form.getByLabel('E-mail address').getAttribute('aria-invalid')).toBe('true');
    await form.getByText('Enter an e-mail address like name@example.com.').waitFor();
    await form.getByText('Enter a subject.').waitFor();
    await form.getByText('Describe your request.').waitFor();
    await form.getByText('Check the 4 fields marked below.').waitFor();
    expect(await axeViolations(page, ['#request-form'])).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'webform-errors.png'), fullPage: true });

    // Keyboard only: fix the fields and send with Enter.
    await name.focus();
    await page.keyboard.type('Ayşe Yılmaz');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('ayse@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('My fern is turning brown');
    await page.keyboard.press('Tab');
    await page.keyboard.type('The tips of the Boston fern went brown. <b>Help?</b>');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    // A file over the gateway's limit and a program are refused at once, never uploaded.
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/visitor/attachments')) uploads.push(new URL(request.url()).searchParams.get('name') ?? '');
    });
    await form.getByLabel('Attach files (optional)').setInputFiles([
      { name: 'care-guide.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(11 * 1024 * 1024, 0x25) },
      { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
    ]);
    const chip = (file: string) => form.getByRole('listitem').filter({ hasText: file });
    await chip('care-guide.pdf').getByText('11 MB · Too large').waitFor();
    await chip('setup.exe').getByText('Not a kind of file we accept').waitFor();
    expect(uploads).toEqual([]);
    await form.getByRole('button', { name: 'Remove care-guide.pdf' }).click();
    await form.getByRole('button', { name: 'Remove setup.exe' }).click();
    // A photo, and a file the gateway refuses by its bytes.
    await form.getByLabel('Attach files (optional)').setInputFiles([
      { name: 'fern.png', mimeType: 'image/png', buffer: Buffer.from(files.png(4, 4)) },
      { name: 'fern-photo.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"></svg>') },
    ]);
    await form.getByText('Attached').waitFor();
    await form.getByText('Not a kind of file we accept').waitFor();
    expect(uploads.sort()).toEqual(['fern-photo.png', 'fern.png']);
    await form.getByRole('button', { name: 'Send request' }).press('Enter');
    await form.getByRole('heading', { name: 'Request received' }).waitFor();
    const { tickets } = await asAgent('GET', '/api/agent/tickets');
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0] as { number: number; conversationId: string; subject: string };
    expect(ticket.subject).toBe('My fern is turning brown');
    await form.getByText(`Your request number is #${ticket.number}. We’ll reply to ayse@example.com.`).waitFor();
    expect(await axeViolations(page, ['#request-form'])).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'webform-sent.png'), fullPage: true });

    // The portal beside the form lists the new request at once.
    const row = portal.getByRole('button', { name: /My fern is turning brown/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Open');

    // The agent answers in the ticket's conversation, and leaves an internal note.
    await asAgent('POST', `/api/agent/conversations/${ticket.conversationId}/messages`, { clientMessageId: cid(), body: 'Let the soil dry out between waterings.' });
    await asAgent('POST', `/api/agent/conversations/${ticket.conversationId}/messages`, { clientMessageId: cid(), body: `${canary} overwatered`, internal: true });

    // Open it with the keyboard, read, reply.
    await row.focus();
    await page.keyboard.press('Enter');
    const title = portal.getByRole('heading', { name: 'My fern is turning brown' });
    await title.waitFor();
    await expect.poll(() => title.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    const log = portal.getByRole('log', { name: 'Messages' });
    await log.getByText('Let the soil dry out between waterings.').waitFor();
    await log.getByText('The tips of the Boston fern went brown. <b>Help?</b>').waitFor();
    expect(await page.locator('b').count()).toBe(0);
    // The photo came with the description; the refused file did not.
    const downloading = page.waitForEvent('download');
    await log.getByRole('button', { name: /Download fern\.png/ }).click();
    expect((await downloading).suggestedFilename()).toBe('fern.png');
    expect(await log.getByText('fern-photo.png').count()).toBe(0);

    const reply = portal.getByLabel('Your reply');
    await reply.fill('Thanks, I will try that.');
    await reply.press('Control+Enter');
    await log.getByText('Thanks, I will try that.').waitFor();
    await expect
      .poll(async () => (await asAgent('GET', `/api/agent/conversations/${ticket.conversationId}/messages`)).messages.map((m: { body: string }) => m.body))
      .toContain('Thanks, I will try that.');
    expect(await axeViolations(page, ['#your-requests'])).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'portal-thread.png'), fullPage: true });

    // Back to the list with focus on the row it came from.
    await portal.getByRole('button', { name: 'Back to your requests' }).press('Enter');
    await expect.poll(() => row.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await axeViolations(page, ['#your-requests'])).toEqual([]);

    // The internal note never reached the page: not in any answer, not on screen, not stored.
    const seen = [
      ...traffic.responses,
      ...traffic.frames,
      await page.evaluate(() => [...document.querySelectorAll('*')].map((e) => e.shadowRoot?.innerHTML ?? '').join('')),
      await page.evaluate(() => JSON.stringify({ ...localStorage })),
    ];
    for (const text of seen) expect(text).not.toContain(canary);
    expect(traffic.errors).toEqual([]);
    await context.close();
  });

  it('shows the ticket to an agent in the console, in the tickets list and as a conversation', async () => {
    const { tickets } = await asAgent('GET', '/api/agent/tickets');
    const ticket = tickets[0] as { number: number; subject: string };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await signIn(context, gw.url, DEMO_PASSWORD);
    const list = agent.getByRole('region', { name: /Tickets/ });
    const entry = list.getByRole('link', { name: new RegExp(`#${ticket.number} ${ticket.subject}`) });
    await entry.waitFor();
    await entry.click();
    await agent.getByRole('log', { name: 'Messages' }).getByText('Thanks, I will try that.').waitFor();
    await agent.screenshot({ path: join(SHOTS, 'console-tickets.png') });

    // A new ticket arrives live, without a reload.
    const visitor = await gw.visitor();
    const created = await fetch(`${gw.url}/api/visitor/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Marco', email: 'marco@example.it', subject: LONG_SUBJECT, description: 'When does it arrive?' }),
    }).then((r) => r.json());
    const olive = list.getByRole('link', { name: new RegExp(`#${created.ticket.number} ${LONG_SUBJECT}`) });
    await olive.waitFor({ timeout: 15_000 });
    // A subject longer than the list is wide ends in an ellipsis: the list never scrolls sideways, also once opened.
    await olive.click();
    const sidebar = agent.locator('.sidebar');
    expect(await sidebar.evaluate((el) => [el.scrollWidth <= el.clientWidth, el.scrollLeft])).toEqual([true, 0]);
    // On a small laptop's width the top bar stays one row of whole labels (the agent's name makes way).
    await agent.setViewportSize({ width: 1024, height: 768 });
    const rows = () =>
      agent.locator('.topbar').evaluate((bar) => {
        const shown = [...bar.children].map((item) => item.getBoundingClientRect()).filter((box) => box.height > 0);
        const middles = shown.map((box) => box.top + box.height / 2);
        return { spread: Math.round(Math.max(...middles) - Math.min(...middles)), tallest: Math.round(Math.max(...shown.map((box) => box.height))) };
      });
    expect((await rows()).spread).toBeLessThanOrEqual(2);
    expect((await rows()).tallest).toBeLessThan(50);
    // Its Settings menu still wraps its own text inside its box.
    await agent.locator('.topbar summary', { hasText: 'Settings' }).click();
    expect(await agent.locator('.menu__panel').evaluate((panel) => panel.scrollWidth <= panel.clientWidth)).toBe(true);
    await agent.keyboard.press('Escape');
    // On a phone's width nothing runs off the side either: the composer's modes and buttons wrap.
    await agent.setViewportSize({ width: 390, height: 844 });
    await agent.getByRole('textbox', { name: 'Reply' }).waitFor();
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('opens the web form from the messenger and goes back to the chat', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${gw.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Send a request' }).click();
    const title = dialog.getByRole('heading', { name: 'Send us a request' });
    await title.waitFor();
    await expect.poll(() => title.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await dialog.getByLabel('Your name').fill('Daan');
    await dialog.getByLabel('E-mail address').fill('daan@example.nl');
    await dialog.getByLabel('Subject').fill('From the messenger');
    await dialog.getByLabel('How can we help?').fill('Sent from inside the chat window.');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await dialog.getByRole('heading', { name: 'Request received' }).waitFor();
    expect(await axeViolations(page, [['parley-widget', '[part="webform"]']])).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'messenger-webform.png') });
    const { tickets } = await asAgent('GET', '/api/agent/tickets');
    expect(tickets.map((t: { subject: string }) => t.subject)).toContain('From the messenger');
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Send a request' }).waitFor();
    expect(await dialog.getByRole('heading', { name: 'Request received' }).count()).toBe(0);
    await context.close();
  });

  it('shows a chat started, ended and reopened in the messenger on the same page at once, not at its next read', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const traffic = recordTraffic(page);
    await page.goto(`${gw.url}/support.html`);
    const portal = page.locator('#your-requests');
    await portal.getByText('No chats yet.').waitFor();
    // The portal reads again every 15 seconds; what the messenger hears shows well before that.
    const live = { timeout: 5_000 };

    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Do you ship olive trees to Utrecht?');
    await box.press('Enter');
    const chat = portal.getByRole('list', { name: 'Chats' }).getByRole('button');
    await chat.getByText('Do you ship olive trees to Utrecht?').waitFor(live);
    expect(await chat.locator('.pp-badge').textContent()).toBe('Open');

    // The visitor ends it in the messenger.
    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('group', { name: 'End chat' }).getByRole('button', { name: 'End chat' }).click();
    await chat.locator('.pp-badge', { hasText: 'Ended' }).waitFor(live);

    // An agent's reply reopens it.
    const { id } = JSON.parse((await page.evaluate(() => localStorage.getItem('parley:demo:conversation')))!) as { id: string };
    await asAgent('POST', `/api/agent/conversations/${id}/messages`, { clientMessageId: cid(), body: 'Yes, twice a week.' });
    await chat.locator('.pp-badge', { hasText: 'Open' }).waitFor(live);
    expect(await chat.count()).toBe(1);
    expect(traffic.errors).toEqual([]);
    await context.close();
  });

  it('speaks the boot locale and lays out on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(`${gw.url}/support.html`);
    await page.locator('#request-form').getByRole('heading', { name: 'Stuur ons een verzoek' }).waitFor();
    await page.locator('#your-requests').getByRole('heading', { name: 'Je verzoeken' }).waitFor();
    expect(await axeViolations(page, ['#request-form', '#your-requests'])).toEqual([]);
    const width = await page.locator('#request-form').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'support-phone-nl.png'), fullPage: true });
    await context.close();
  });
});
