import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { goToTicket, launchBrowser, recordTraffic, SHOTS, signIn, visitorWrites as writeFromSite } from './support.ts';

// The agent's workspace around one conversation, in the console and the messenger (MISSION.md
// A5, A11, A13, A15): a template with a parameter inserted, edited and sent; a visitor blocked,
// refused on reload and let back in by an admin; a chat turned into a ticket and opened. axe-core
// runs on each new surface. The demo admin works as the agent; visitors give a name in the
// messenger's pre-chat form.

const JOURNEY = 120_000;
const BLOCKED = 'You cannot chat here: the support team of this website has blocked this chat.';

let gw: TestGateway;
let browser: Browser;
let cookie: string;
let agent: Page;
let agentErrors: string[];
const contexts: BrowserContext[] = [];

/** A call to the gateway as the demo admin, from the console's origin. */
async function asAdmin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The violations axe-core finds on the whole page. */
async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: unknown[] }[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
}

/** A visitor on the demo site gives their name in the pre-chat form and writes a first message. */
async function visitorWrites(name: string, text: string): Promise<Page> {
  const { context, page } = await writeFromSite(browser, `${gw.url}/`, text, name);
  contexts.push(context);
  return page;
}

/** The agent accepts the offered chat whose thread holds `text`; it opens. Answers its id. */
async function accept(text: string): Promise<string> {
  const offer = agent.getByRole('alertdialog').filter({ hasText: text });
  await offer.getByRole('button', { name: 'Accept', exact: true }).click({ timeout: 20_000 });
  await agent.getByRole('log', { name: 'Messages' }).getByText(text).waitFor({ timeout: 15_000 });
  await agent.getByText('Owned by you').waitFor({ timeout: 15_000 });
  return new URL(agent.url()).hash.replace('#/conversations/', '');
}

/** Opens the admin screens, or goes back to the conversations. */
async function settings(open: boolean): Promise<void> {
  const toggle = agent.getByRole('button', { name: 'Workspace settings' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(open)) await toggle.click();
  if (open) await agent.getByRole('heading', { name: 'Workspace settings', level: 2 }).waitFor();
}

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  // Visitors say who they are before chatting: the name fills a template's <name>.
  await asAdmin('PATCH', '/api/agent/apps/demo/settings', { preChat: { name: 'optional', email: 'off' } });
  const { agent: me } = await asAdmin<{ agent: { id: string } }>('GET', '/api/agent/me');
  await asAdmin('PATCH', `/api/admin/agents/${me.id}`, { maxChats: 10 });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  agent = await signIn(context, gw.url, DEMO_PASSWORD);
  agentErrors = recordTraffic(agent).errors;
  await agent.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await agent.locator('.presence--online').waitFor();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await gw?.close();
});

describe('the conversation workspace in the console', () => {
  it('a template with a <name> parameter: an admin adds it, the agent inserts it with / and the picker, edits it and sends it; the visitor reads it filled in', async () => {
    const tag = cid().slice(0, 8);
    // The admin adds the template in the settings.
    await settings(true);
    const section = agent.getByRole('region', { name: 'Templates' });
    await section.getByRole('button', { name: 'New template' }).click();
    const form = section.getByRole('form', { name: 'New template' });
    await form.getByRole('textbox', { name: 'Name' }).fill(`Shipping abroad ${tag}`);
    await form.getByRole('combobox', { name: 'Category (optional)' }).fill('Shipping');
    await form.getByRole('textbox', { name: 'Text' }).fill('Hello <first_name>, yes: we ship to Sweden, and delivery takes 3 days.');
    await form.getByRole('button', { name: 'Create template' }).click();
    await section.getByRole('button', { name: `Edit Shipping abroad ${tag}` }).waitFor();
    await agent.getByRole('region', { name: 'Blocked visitors' }).getByText('No one is blocked.').waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await settings(false);

    const question = `Do you ship to Sweden? ${tag}`;
    const visitor = await visitorWrites('Vera Lindqvist', question);
    await accept(question);
    const panel = agent.getByRole('region', { name: 'Customer' });
    await panel.getByText('Vera Lindqvist', { exact: true }).waitFor();
    await panel.getByText('Live chat · Demo site').waitFor();
    expect(await axeViolations(agent)).toEqual([]);

    // The picker from the Templates button: searchable, keyboard-operable, axe-clean; Escape gives the focus back.
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await agent.getByRole('button', { name: 'Templates', exact: true }).click();
    const picker = agent.getByRole('dialog', { name: 'Insert a template' });
    const search = picker.getByRole('combobox', { name: 'Search templates' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await search.fill(tag);
    await expect.poll(() => picker.getByRole('listbox', { name: 'Templates' }).getByRole('option').count()).toBe(1);
    expect(await axeViolations(agent)).toEqual([]);
    await agent.keyboard.press('Escape');
    await expect.poll(() => agent.getByRole('dialog').count()).toBe(0);
    expect(await agent.evaluate(() => document.activeElement?.textContent)).toBe('Templates');

    // `/` and the words after it list the template; Enter puts it, filled in, into the reply box.
    await reply.fill('');
    await reply.pressSequentially(`/${tag}`);
    const suggestions = agent.getByRole('listbox', { name: 'Templates' });
    await suggestions.getByRole('option', { name: new RegExp(`Shipping abroad ${tag}`) }).waitFor();
    expect(await reply.getAttribute('aria-activedescendant')).toBe(await suggestions.getByRole('option').first().getAttribute('id'));
    expect(await axeViolations(agent)).toEqual([]);
    await agent.keyboard.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Hello Vera, yes: we ship to Sweden, and delivery takes 3 days.');
    await agent.screenshot({ path: join(SHOTS, 'console-template.png') });

    // The agent edits it before sending.
    await agent.keyboard.press('End');
    await agent.keyboard.type(' Anything else I can do?');
    await agent.keyboard.press('Enter');
    const sent = 'Hello Vera, yes: we ship to Sweden, and delivery takes 3 days. Anything else I can do?';
    await visitor.getByText(sent).waitFor({ timeout: 15_000 });
    expect(agentErrors).toEqual([]);
  }, JOURNEY);

  it('block: the visitor is told and a reload is refused with the clear message; an admin unblocks and the visitor can write again', async () => {
    const tag = cid().slice(0, 8);
    const spam = `Buy cheap watches ${tag}`;
    const visitor = await visitorWrites(`Mallory ${tag}`, spam);
    await accept(spam);

    await agent.getByRole('button', { name: 'Block visitor' }).click();
    const dialog = agent.getByRole('dialog', { name: `Block Mallory ${tag}?` });
    await dialog.getByText('Their chat session ends now').waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('Spam');
    await dialog.getByRole('button', { name: 'Block visitor' }).click();
    await agent.getByRole('button', { name: 'Visitor blocked' }).waitFor({ timeout: 15_000 });
    await agent.getByRole('region', { name: 'Customer' }).getByText('Blocked', { exact: true }).waitFor();

    // The open messenger is told at once.
    await visitor.getByText(BLOCKED).waitFor({ timeout: 15_000 });
    // A reload connects again, and is refused with the same clear message.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByText(BLOCKED).waitFor({ timeout: 15_000 });
    await visitor.screenshot({ path: join(SHOTS, 'messenger-blocked.png') });

    // An admin lifts the block in the settings.
    await settings(true);
    const blocks = agent.getByRole('region', { name: 'Blocked visitors' });
    const row = blocks.getByRole('listitem').filter({ hasText: `Mallory ${tag}` });
    await row.getByText('Reason: Spam').waitFor();
    await row.getByRole('button', { name: `Unblock Mallory ${tag}` }).click();
    await expect.poll(() => blocks.getByRole('listitem').filter({ hasText: `Mallory ${tag}` }).count()).toBe(0);
    await settings(false);

    // The visitor can write again: the block ended their chat, so they start a new one.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByText('This chat has ended.').first().waitFor({ timeout: 15_000 });
    expect(await visitor.getByText(BLOCKED).count()).toBe(0);
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    const box = visitor.getByRole('textbox', { name: 'Message' });
    await box.waitFor({ timeout: 15_000 });
    const sorry = `Sorry, I will behave ${tag}`;
    await box.fill(sorry);
    await box.press('Enter');
    await accept(sorry);
    expect(agentErrors).toEqual([]);
  }, JOURNEY);

  it('chat → ticket: the agent converts with the customer’s e-mail, the button becomes "Go to ticket", and it opens the ticket', async () => {
    const tag = cid().slice(0, 8);
    const question = `My pot arrived cracked ${tag}`;
    await visitorWrites('Ted Tester', question);
    const conversationId = await accept(question);

    await agent.getByRole('button', { name: 'Convert to ticket' }).click();
    const dialog = agent.getByRole('dialog', { name: 'Convert the chat with Ted Tester to a ticket' });
    const email = dialog.getByRole('textbox', { name: 'Customer’s e-mail' });
    await expect.poll(() => email.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await axeViolations(agent)).toEqual([]);
    await email.fill('ted@example.com');
    await dialog.getByRole('textbox', { name: 'Subject (optional)' }).fill(`Cracked pot ${tag}`);
    await dialog.getByRole('button', { name: 'Convert to ticket' }).click();

    const { number, ticket } = await goToTicket(agent);
    await ticket.getByText(`Cracked pot ${tag}`).waitFor();
    await ticket.getByText('ted@example.com').waitFor();
    expect(await ticket.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('open');
    expect(await axeViolations(agent)).toEqual([]);
    await agent.screenshot({ path: join(SHOTS, 'console-ticket.png') });

    // It is the web form's ticket model: the conversation is the ticket's history.
    const stored = await asAdmin<{ ticket: { conversationId: string; requester: { email: string }; subject: string } }>('GET', `/api/agent/tickets/${number}`);
    expect(stored.ticket).toMatchObject({ conversationId, requester: { email: 'ted@example.com' }, subject: `Cracked pot ${tag}` });
    await ticket.getByRole('combobox', { name: 'Status' }).selectOption('pending');
    await expect.poll(async () => (await asAdmin<{ ticket: { status: string } }>('GET', `/api/agent/tickets/${number}`)).ticket.status).toBe('pending');
    expect(agentErrors).toEqual([]);
  }, JOURNEY);
});
