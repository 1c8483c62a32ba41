import { join } from 'node:path';
import axe from 'axe-core';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, conversations } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/domain/identity/secrets.ts';
import { archiveConversation } from '../../src/domain/views/view-repository.ts';
import { agentRequest, cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { seedConversation } from '../support/workspace.ts';
import { launchBrowser, recordTraffic, SHOTS, signIn } from './support.ts';

// The archive in the console (MISSION.md A10, A14): chats resolved by two agents on different
// dates are archived; the demo admin archives one more from the Closed view, filters the archive
// by agent and by date range and sees exactly the expected ones, keeps the filters over a reload,
// saves them as a view, unarchives one (it returns to Closed) and deletes one after confirming.
// Then a chat archived from its header comes back to Open, live, when its customer writes again.

const JOURNEY = 120_000;

let gw: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
/** Conversation ids by visitor name. */
const ids = new Map<string, string>();

/** The violations axe-core finds on the whole page. */
async function axeViolations(target: Page): Promise<{ id: string; help: string; nodes: unknown[] }[]> {
  await target.evaluate(axe.source);
  return target.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
}

/** A chat of `visitor` resolved by `owner`; archived at `archivedAt` when given (through the function resolving uses). */
async function resolvedChat(visitor: string, owner: string, at: string, archivedAt?: string): Promise<void> {
  const when = new Date(at);
  const { id } = await seedConversation(gw.database, {
    visitorName: visitor,
    status: 'closed',
    createdAt: new Date(when.getTime() - 30 * 60_000),
    lastMessageAt: when,
    messages: [{ kind: 'visitor', body: `Question from ${visitor}` }, { kind: 'agent', body: 'Answered' }],
    routing: { owner, state: 'resolved', wrapUp: 'Question answered' },
  });
  if (archivedAt) await archiveConversation(gw.database.db, id, new Date(archivedAt));
  ids.set(visitor, id);
}

const sidebar = () => page.getByRole('navigation', { name: 'Views' });
const list = () => page.locator('nav.inbox');
/** The visitor names the list shows, sorted (the order is the view's; the test asserts which). */
const listed = async () => (await list().locator('.row__title').allTextContents()).sort();
const filters = () => page.getByRole('search', { name: 'Filter Archive' });

async function choose(view: string): Promise<void> {
  await sidebar().getByRole('link', { name: view, exact: true }).click();
  await expect.poll(() => sidebar().getByRole('link', { name: view, exact: true }).getAttribute('aria-current')).toBe('page');
}

beforeAll(async () => {
  gw = await startGateway();
  browser = await launchBrowser();
  const passwordHash = await hashPassword('archive journey password');
  const [sam, kim] = await gw.database.db
    .insert(agents)
    .values([
      { workspaceId: 'demo', email: 'sam.archive@example.com', name: 'Sam Archive', role: 'agent', passwordHash },
      { workspaceId: 'demo', email: 'kim.archive@example.com', name: 'Kim Archive', role: 'agent', passwordHash },
    ])
    .returning({ id: agents.id });
  await resolvedChat('Ann', sam!.id, '2025-01-10T11:00:00Z', '2025-01-10T12:00:00Z');
  await resolvedChat('Ben', sam!.id, '2025-02-15T11:00:00Z', '2025-02-15T12:00:00Z');
  await resolvedChat('Cat', kim!.id, '2025-01-20T11:00:00Z', '2025-01-20T12:00:00Z');
  await resolvedChat('Dan', kim!.id, '2025-03-05T11:00:00Z', '2025-03-05T12:00:00Z');
  // Resolved but not archived yet: it is in Closed until the admin archives it.
  await resolvedChat('Eve', sam!.id, '2025-03-20T11:00:00Z');
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signIn(context, gw.url, DEMO_PASSWORD);
  errors = recordTraffic(page).errors;
}, JOURNEY);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await gw?.close();
});

describe('the archive in the console', () => {
  it('archives from Closed, filters by agent and date range, keeps the filters, saves them, unarchives and deletes', { timeout: JOURNEY }, async () => {
    await expect.poll(() => sidebar().getByRole('link', { name: 'Open', exact: true }).getAttribute('aria-current')).toBe('page');

    // Eve's chat is closed but not archived: the Closed view lists it; archiving it there takes it out.
    await choose('Closed');
    await expect.poll(listed).toEqual(['Eve']);
    const eve = list().locator('.inbox__item').filter({ hasText: 'Eve' });
    await eve.hover();
    await eve.getByRole('button', { name: 'Archive the conversation with Eve' }).click();
    await expect.poll(listed).toEqual([]);

    await choose('Archive');
    await expect.poll(listed).toEqual(['Ann', 'Ben', 'Cat', 'Dan', 'Eve']);
    expect(await axeViolations(page)).toEqual([]);

    // By agent: Sam resolved Ann's, Ben's and Eve's chats.
    await filters().getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Sam Archive' });
    await expect.poll(listed).toEqual(['Ann', 'Ben', 'Eve']);
    // And by the date they were archived: January 2025 holds only Ann's.
    await filters().getByLabel('From').fill('2025-01-01');
    await filters().getByLabel('To').fill('2025-01-31');
    await expect.poll(listed).toEqual(['Ann']);
    // Kim in January: Cat's; through March: Cat's and Dan's.
    await filters().getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Kim Archive' });
    await expect.poll(listed).toEqual(['Cat']);
    await filters().getByLabel('To').fill('2025-03-31');
    await expect.poll(listed).toEqual(['Cat', 'Dan']);
    await page.screenshot({ path: join(SHOTS, 'console-archive.png') });
    expect(await axeViolations(page)).toEqual([]);

    // A reload keeps the view and its filters (they are in the address).
    expect(new URL(page.url()).searchParams.get('view')).toBe('archive');
    await page.reload();
    await expect.poll(() => sidebar().getByRole('link', { name: 'Archive', exact: true }).getAttribute('aria-current')).toBe('page');
    await expect.poll(listed).toEqual(['Cat', 'Dan']);
    expect(await filters().getByLabel('From').inputValue()).toBe('2025-01-01');

    // Saved as a view, it appears in the sidebar and lists the same.
    await filters().getByRole('button', { name: 'Save view…' }).click();
    const save = page.getByRole('dialog', { name: 'Save this view' });
    await save.getByRole('textbox', { name: 'Name' }).fill('Kim, first quarter');
    expect(await axeViolations(page)).toEqual([]);
    await save.getByRole('button', { name: 'Save view' }).click();
    await expect.poll(() => sidebar().getByRole('link', { name: 'Kim, first quarter' }).getAttribute('aria-current')).toBe('page');
    await expect.poll(listed).toEqual(['Cat', 'Dan']);
    await choose('Archive');

    // Unarchived from the open conversation, Cat's chat leaves the archive and is back in Closed.
    await list().getByRole('link', { name: /Cat/ }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Question from Cat').waitFor();
    const actions = page.getByRole('group', { name: 'Archive', exact: true });
    await actions.getByText(/^Archived/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-archived-conversation.png') });
    await actions.getByRole('button', { name: 'Unarchive' }).click();
    await expect.poll(listed).toEqual(['Dan']);
    await actions.getByRole('button', { name: 'Archive', exact: true }).waitFor();
    await choose('Closed');
    await expect.poll(listed).toEqual(['Cat']);

    // The admin deletes Dan's chat, after confirming; Cancel first changes nothing.
    await choose('Archive');
    await expect.poll(listed).toEqual(['Dan']);
    await list().getByRole('link', { name: /Dan/ }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Question from Dan').waitFor();
    await actions.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: /Delete the conversation with Dan/ });
    await confirm.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await actions.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(listed).toEqual([]);
    await page.getByRole('heading', { name: 'No conversation open' }).waitFor();
    const [row] = await gw.database.db.select().from(conversations).where(eq(conversations.id, ids.get('Dan')!));
    expect(row).toBeUndefined();

    expect(errors).toEqual([]);
  });

  it('brings a chat archived from its header back to Open, live, when the customer writes again', { timeout: JOURNEY }, async () => {
    const { token } = await gw.visitor();
    const visitor = await gw.connectVisitor(token);
    await visitor.next('hello');
    visitor.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body: 'Where is my parcel?' });
    const { conversationId } = await visitor.next('message.ack', (f) => f.ref === 'first');
    // The demo admin, Online, takes it.
    const admin = await gw.login();
    expect((await agentRequest(gw, admin, 'PUT', '/api/agent/status', { status: 'online' })).status).toBe(200);
    expect((await agentRequest(gw, admin, 'POST', `/api/agent/conversations/${conversationId}/take`)).status).toBe(200);

    await choose('Open');
    const row = list().locator(`[data-conversation-id="${conversationId}"]`);
    await row.click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Where is my parcel?').waitFor();
    const actions = page.getByRole('group', { name: 'Archive', exact: true });
    await actions.getByRole('button', { name: 'Archive', exact: true }).click();
    await actions.getByText(/^Archived/).waitFor();
    await expect.poll(() => row.count()).toBe(0);

    visitor.send({ type: 'message.send', ref: 'again', conversationId, clientMessageId: cid(), body: 'Any news about it?' });
    await visitor.next('message.ack', (f) => f.ref === 'again');
    await page.getByRole('log', { name: 'Messages' }).getByText('Any news about it?').waitFor();
    // Back in Open and out of the archive, without a reload.
    await expect.poll(() => row.count()).toBe(1);
    await expect(row.textContent()).resolves.toContain('Any news about it?');
    await actions.getByRole('button', { name: 'Archive', exact: true }).waitFor();
    expect(await actions.getByText(/^Archived/).count()).toBe(0);
    visitor.close();
    expect(errors).toEqual([]);
  });
});
