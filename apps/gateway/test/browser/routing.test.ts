import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agents } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/domain/identity/secrets.ts';
import { cid, startGateway, type TestGateway } from '../support/gateway.ts';
import { launchBrowser, recordTraffic, SHOTS, visitorWrites as writeFromSite } from './support.ts';

// Routing in the console with two agents and a visitor (MISSION.md A1–A4, A7–A9): offers that
// run out (RONA), top-N and broadcast where the first wins, transfer accepted and refused, a
// conference, and resolving with a wrap-up reason. The demo admin only configures the queue over
// HTTP; the two agents work in their own browsers.

const PASSWORD = 'routing journeys password 1';
const JOURNEY = 120_000;

interface Agent {
  id: string;
  name: string;
  email: string;
  context: BrowserContext;
  page: Page;
  errors: string[];
}

let gw: TestGateway;
let browser: Browser;
let adminCookie: string;
let queueId: string;
let bea: Agent;
let cem: Agent;

/** A call to the gateway as the demo admin, from the console's origin. */
async function asAdmin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie: adminCookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The journeys' queue hands out chats this way from now on. */
const configure = (settings: { mode: string; topN?: number; offerTimeoutMs?: number }) => asAdmin('PATCH', `/api/admin/queues/${queueId}`, settings);

/** Signs an agent in to the console in their own browser and sets them Online with the status picker. */
async function signInAgent(email: string, name: string, id: string): Promise<Agent> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = recordTraffic(page).errors;
  await page.goto(`${gw.url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const status = page.getByRole('combobox', { name: 'Status' });
  await status.selectOption('online');
  // The picker shows Online once the gateway has it (the presence's dot says so).
  await page.locator('.presence--online').waitFor();
  return { id, name, email, context, page, errors };
}

/** A visitor on the demo site writes a first message; the conversation enters the journeys' queue. */
const visitorWrites = (text: string) => writeFromSite(browser, `${gw.url}/`, text);

/** The pop-over on an agent's console about the chat whose thread holds `text`. */
const popover = (agent: Agent, text: string) => agent.page.getByRole('alertdialog').filter({ hasText: text });

/** The agent whose console shows a pop-over about `text` first (the other one, second). */
async function offeredFirst(text: string): Promise<[Agent, Agent]> {
  let first: Agent | undefined;
  await expect
    .poll(
      async () => {
        if ((await popover(bea, text).count()) > 0) first = bea;
        else if ((await popover(cem, text).count()) > 0) first = cem;
        return first?.name;
      },
      { timeout: 20_000 },
    )
    .toBeTruthy();
  return first === bea ? [bea, cem] : [cem, bea];
}

/** Accepts the chat about `text` from whichever agent is offered it; returns the owner, the other agent and the conversation id. */
async function someoneAccepts(text: string): Promise<{ owner: Agent; other: Agent; conversationId: string }> {
  const [owner, other] = await offeredFirst(text);
  // Accepting opens the chat; until then the console may show another chat the agent owns.
  const before = owner.page.url();
  await popover(owner, text).getByRole('button', { name: 'Accept', exact: true }).click();
  await expect.poll(() => owner.page.url(), { timeout: 15_000 }).not.toBe(before);
  await owner.page.getByText('Owned by you').waitFor({ timeout: 15_000 });
  return { owner, other, conversationId: openConversationId(owner) };
}

/** The id of the conversation open in an agent's console, from the address bar. */
function openConversationId(agent: Agent): string {
  const id = new URL(agent.page.url()).hash.replace('#/conversations/', '');
  expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  return id;
}

/** The agent writes a reply in the open conversation. */
async function reply(agent: Agent, text: string): Promise<void> {
  const box = agent.page.getByRole('textbox', { name: 'Reply' });
  await box.fill(text);
  await box.press('Enter');
}

const notice = (agent: Agent, text: string | RegExp) => agent.page.locator('.notices').getByText(text);

/** Dismisses the notices earlier journeys left, with their buttons, so each journey reads only its own. */
async function dismissNotices(agent: Agent): Promise<void> {
  const buttons = agent.page.getByRole('button', { name: /^Dismiss: / });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

beforeAll(async () => {
  gw = await startGateway();
  adminCookie = await gw.login();
  const passwordHash = await hashPassword(PASSWORD);
  const rows = await gw.database.db
    .insert(agents)
    .values([
      { workspaceId: 'demo', email: 'bea@example.com', name: 'Bea Berger', passwordHash },
      { workspaceId: 'demo', email: 'cem@example.com', name: 'Cem Çelik', passwordHash },
    ])
    .returning({ id: agents.id, email: agents.email });
  const idOf = (email: string) => rows.find((r) => r.email === email)!.id;
  // New conversations enter the workspace's first queue; the two agents work it, the demo admin does not.
  const { queues } = await asAdmin<{ queues: { id: string; name: string }[] }>('GET', '/api/admin/queues');
  queueId = queues[0]!.id;
  await asAdmin('PUT', `/api/admin/queues/${queueId}/agents`, { agentIds: rows.map((r) => r.id) });
  for (const row of rows) await asAdmin('PATCH', `/api/admin/agents/${row.id}`, { maxChats: 10 });
  await asAdmin('POST', '/api/admin/wrap-up-reasons', { label: 'Order placed' });
  browser = await launchBrowser();
  bea = await signInAgent('bea@example.com', 'Bea Berger', idOf('bea@example.com'));
  cem = await signInAgent('cem@example.com', 'Cem Çelik', idOf('cem@example.com'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

describe('routing in the console, with two agents and a visitor', () => {
  beforeEach(async () => {
    for (const agent of [bea, cem]) await dismissNotices(agent);
  });

  it('offer → no answer → RONA → the second agent accepts; RONA lasts until the agent chooses Online', async () => {
    await configure({ mode: 'offer', offerTimeoutMs: 4000 });
    const tag = `parcel-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`Where is my parcel? ${tag}`);
    // Whoever is offered the chat first does not answer: routing sets them to RONA.
    let missed: Agent | undefined;
    await expect
      .poll(
        async () => {
          for (const agent of [bea, cem]) if ((await agent.page.getByRole('combobox', { name: 'Status' }).inputValue()) === 'rona') missed = agent;
          return missed?.name;
        },
        { timeout: 30_000 },
      )
      .toBeTruthy();
    const second = missed === bea ? cem : bea;
    await notice(missed!, /was not accepted in time/).waitFor();
    await expect.poll(() => popover(missed!, tag).count()).toBe(0);
    await missed!.page.getByRole('button', { name: 'Go Online', exact: true }).waitFor();
    await missed!.page.screenshot({ path: join(SHOTS, 'console-rona.png') });

    // The chat went on to the second agent, who accepts it.
    const offer = popover(second, tag);
    await offer.waitFor({ timeout: 15_000 });
    await expect(offer.getByRole('log').textContent()).resolves.toContain(tag);
    await offer.getByRole('button', { name: 'Accept', exact: true }).click();
    await second.page.getByText('Owned by you').waitFor({ timeout: 15_000 });
    await reply(second, `Let me look that up. ${tag}`);
    await visitor.page.getByText(`Let me look that up. ${tag}`).waitFor({ timeout: 15_000 });

    // RONA stays until the agent chooses Online again.
    const status = missed!.page.getByRole('combobox', { name: 'Status' });
    expect(await status.inputValue()).toBe('rona');
    await missed!.page.getByRole('button', { name: 'Go Online', exact: true }).click();
    await expect.poll(() => status.inputValue()).toBe('online');
    expect([...bea.errors, ...cem.errors]).toEqual([]);
    await visitor.context.close();
  }, JOURNEY);

  it('top-N: both agents are offered the chat at once; the first to accept owns it and the other pop-over goes', async () => {
    await configure({ mode: 'top_n', topN: 2, offerTimeoutMs: 120_000 });
    const tag = `topn-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`Do you have gift cards? ${tag}`);
    await popover(bea, tag).waitFor({ timeout: 20_000 });
    await popover(cem, tag).waitFor({ timeout: 20_000 });
    await popover(cem, tag).getByRole('button', { name: 'Accept', exact: true }).click();
    await cem.page.getByText('Owned by you').waitFor({ timeout: 15_000 });
    await expect.poll(() => popover(bea, tag).count(), { timeout: 15_000 }).toBe(0);
    await notice(bea, /Another agent took the chat with/).waitFor();
    // Bea no longer sees the chat anywhere.
    await expect.poll(() => bea.page.getByRole('navigation', { name: /Open conversations/ }).getByText(tag).count()).toBe(0);
    await visitor.context.close();
  }, JOURNEY);

  it('broadcast: both agents see the chat, both press "Take ownership" at once, exactly one owns it', async () => {
    await configure({ mode: 'broadcast' });
    const tag = `broadcast-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`Can I change my delivery address? ${tag}`);
    for (const agent of [bea, cem]) {
      const row = agent.page.getByRole('navigation', { name: /Open conversations/ }).getByText(tag);
      await row.waitFor({ timeout: 20_000 });
      await row.click();
      await agent.page.getByText(/Open to every agent/).waitFor();
    }
    // The first take can land before the second click does: the loser's button is gone then.
    const clicks = await Promise.allSettled([bea, cem].map((agent) => agent.page.getByRole('button', { name: 'Take ownership', exact: true }).click({ timeout: 5_000 })));
    expect(clicks.some((c) => c.status === 'fulfilled')).toBe(true);
    let owners: string[] = [];
    await expect
      .poll(
        async () => {
          owners = [];
          for (const agent of [bea, cem]) if ((await agent.page.getByText('Owned by you').count()) > 0) owners.push(agent.name);
          return owners.length;
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    const loser = owners[0] === bea.name ? cem : bea;
    // The other agent's console closes the chat and says why.
    await notice(loser, /took the chat/).waitFor({ timeout: 15_000 });
    await loser.page.getByRole('heading', { name: 'No conversation open' }).waitFor();
    await visitor.context.close();
  }, JOURNEY);

  it('transfer: refused, the chat comes back to the sender; accepted, the sender loses it and the target answers', async () => {
    await configure({ mode: 'offer', offerTimeoutMs: 120_000 });
    const tag = `transfer-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`I need an invoice for my order. ${tag}`);
    const { owner, other, conversationId } = await someoneAccepts(tag);

    const transferTo = async () => {
      await owner.page.getByRole('button', { name: 'Transfer', exact: true }).click();
      const dialog = owner.page.getByRole('dialog', { name: /Transfer the chat/ });
      await dialog.getByRole('searchbox', { name: 'Search' }).fill(other.name.slice(0, 3));
      await dialog.getByRole('button', { name: other.name }).click();
      await owner.page.getByText(`Transfer to ${other.name} pending`, { exact: false }).waitFor();
    };

    await transferTo();
    const transferOffer = () => other.page.getByRole('alertdialog', { name: new RegExp(`^${owner.name} transfers a chat with`) });
    const refused = transferOffer();
    await refused.waitFor({ timeout: 15_000 });
    await refused.getByRole('button', { name: 'Refuse', exact: true }).click();
    await notice(owner, new RegExp(`${other.name} did not take the chat with .*; it is yours again`)).waitFor({ timeout: 15_000 });
    expect(await owner.page.getByText('Owned by you').count()).toBe(1);
    await expect.poll(() => owner.page.getByText(/Transfer to .* pending/).count()).toBe(0);

    await transferTo();
    const accepted = transferOffer();
    await accepted.getByRole('button', { name: 'Accept', exact: true }).click();
    // Accepting opens the chat; the agent's console may show another chat of theirs until then.
    await expect.poll(() => openConversationId(other), { timeout: 15_000 }).toBe(conversationId);
    await other.page.getByText('Owned by you').waitFor({ timeout: 15_000 });
    await notice(owner, new RegExp(`${other.name} accepted the chat with`)).waitFor({ timeout: 15_000 });
    await owner.page.getByRole('heading', { name: 'No conversation open' }).waitFor();
    // The sender can no longer read it: the same answer as a chat that does not exist.
    const read = await owner.page.evaluate(async (id) => (await fetch(`/api/agent/conversations/${id}/messages?limit=5`)).status, conversationId);
    expect(read).toBe(404);
    await reply(other, `Here is your invoice. ${tag}`);
    await visitor.page.getByText(`Here is your invoice. ${tag}`).waitFor({ timeout: 15_000 });
    await visitor.context.close();
  }, JOURNEY);

  it('conference: the owner invites the other agent, the thread shows who joined and left, and the owner ends it', async () => {
    await configure({ mode: 'offer', offerTimeoutMs: 120_000 });
    const tag = `conference-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`My order arrived broken. ${tag}`);
    const { owner, other } = await someoneAccepts(tag);

    const invite = async () => {
      await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
      await owner.page.getByRole('dialog', { name: /Invite an agent/ }).getByRole('button', { name: other.name }).click();
      const invitation = other.page.getByRole('alertdialog', { name: new RegExp(`^${owner.name} invites you to a chat with`) });
      await invitation.waitFor({ timeout: 15_000 });
      await invitation.getByRole('button', { name: 'Accept', exact: true }).click();
    };

    await invite();
    await owner.page.getByText(`In conference: ${other.name}`).waitFor({ timeout: 15_000 });
    await owner.page.getByRole('log', { name: 'Messages' }).getByText(`${other.name} joined the conversation.`).waitFor({ timeout: 15_000 });
    await other.page.getByRole('log', { name: 'Messages' }).getByText(tag).waitFor({ timeout: 15_000 });
    await other.page.screenshot({ path: join(SHOTS, 'console-conference.png') });
    await other.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await notice(other, /You left the conversation/).waitFor();
    await owner.page.getByRole('log', { name: 'Messages' }).getByText(`${other.name} left the conversation.`).waitFor({ timeout: 15_000 });

    await invite();
    await owner.page.getByRole('button', { name: 'End conference', exact: true }).click();
    await notice(other, /has ended for you/).waitFor({ timeout: 15_000 });
    await expect.poll(() => owner.page.getByText(/In conference/).count(), { timeout: 15_000 }).toBe(0);
    await visitor.context.close();
  }, JOURNEY);

  it('resolve: a wrap-up reason is required; the chat leaves the list and the visitor is told it ended', async () => {
    await configure({ mode: 'offer', offerTimeoutMs: 120_000 });
    const tag = `resolve-${cid().slice(0, 8)}`;
    const visitor = await visitorWrites(`Thanks, that is all. ${tag}`);
    const { owner, conversationId } = await someoneAccepts(tag);
    await owner.page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const dialog = owner.page.getByRole('dialog', { name: /Resolve the chat/ });
    const submit = dialog.getByRole('button', { name: 'Resolve', exact: true });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByRole('radio', { name: 'Order placed' }).check();
    await submit.click();
    await notice(owner, /Resolved the chat with .* \(Order placed\)/).waitFor({ timeout: 15_000 });
    await owner.page.getByRole('heading', { name: 'No conversation open' }).waitFor();
    expect(await owner.page.getByRole('navigation', { name: /Open conversations/ }).getByText(tag).count()).toBe(0);
    const { conversation } = await asAdmin<{ conversation: { routing?: { state: string; wrapUp: string | null } } }>('GET', `/api/agent/conversations/${conversationId}`);
    expect(conversation.routing).toMatchObject({ state: 'resolved', wrapUp: 'Order placed' });
    await visitor.page.getByText('This chat has ended.').first().waitFor({ timeout: 15_000 });
    expect([...bea.errors, ...cem.errors]).toEqual([]);
    await visitor.context.close();
  }, JOURNEY);
});
