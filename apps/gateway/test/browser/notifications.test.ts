import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { launchBrowser, recordTraffic, SHOTS, signIn, visitorWrites as writeFromSite } from './support.ts';

// How the console gets an agent's attention (MISSION.md A16): a chat shown to every agent of the
// queue flashes the tab title like an offer, and a customer writing in one of the agent's chats
// while another is open counts in the title until the agent opens it.

const BASE = 'Parley Console';

let gw: TestGateway;
let browser: Browser;
let agent: Page;
let errors: string[];

/** A call to the gateway as the demo admin, from the console's origin. */
async function asAdmin(cookie: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The row of the chat whose last words hold `text`, in the agent's list. */
const row = (text: string) => agent.getByRole('navigation', { name: /Open conversations/ }).getByText(text);

/** Opens the chat about `text` from the list and takes it. */
async function take(text: string): Promise<void> {
  await row(text).click();
  await agent.getByRole('button', { name: 'Take ownership', exact: true }).click();
  await agent.getByText('Owned by you').waitFor({ timeout: 15_000 });
}

/** The visitor writes again in their open messenger. */
async function writeAgain(visitor: Page, text: string): Promise<void> {
  const box = visitor.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

beforeAll(async () => {
  gw = await startGateway();
  // New chats enter the demo queue, whose only agent is the demo agent: now shown to every agent of it.
  const cookie = await gw.login();
  const { queues } = (await asAdmin(cookie, 'GET', '/api/admin/queues')) as { queues: { id: string }[] };
  await asAdmin(cookie, 'PATCH', `/api/admin/queues/${queues[0]!.id}`, { mode: 'broadcast' });
  browser = await launchBrowser();
  agent = await signIn(await browser.newContext({ viewport: { width: 1280, height: 800 } }), gw.url, DEMO_PASSWORD);
  errors = recordTraffic(agent).errors;
  await agent.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await agent.locator('.presence--online').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

describe('notifications in the console', () => {
  it('a chat for every agent flashes the title; a customer writing in another of the agent’s chats counts there until it is opened; the choices stay', async () => {
    const tag = cid().slice(0, 8);
    expect(await agent.title()).toBe(BASE);

    // A chat waits for anyone to take it: the title calls like an offer, until the agent takes it.
    const first = await writeFromSite(browser, `${gw.url}/`, `Is the shop open on Sunday? ${tag}-a`);
    await expect.poll(() => agent.title(), { timeout: 20_000, interval: 200 }).toBe(`(1) New chat request · ${BASE}`);
    await take(`${tag}-a`);
    await expect.poll(() => agent.title(), { timeout: 15_000 }).toBe(BASE);

    const second = await writeFromSite(browser, `${gw.url}/`, `Do you gift-wrap? ${tag}-b`);
    await row(`${tag}-b`).waitFor({ timeout: 20_000 });
    await take(`${tag}-b`);
    await expect.poll(() => agent.title(), { timeout: 15_000 }).toBe(BASE);

    // The first customer writes while the agent reads the second chat: it counts, steadily.
    await writeAgain(first.page, `One more thing ${tag}-a2`);
    await expect.poll(() => agent.title(), { timeout: 15_000 }).toBe(`(1) New message · ${BASE}`);
    // The chat on screen adds nothing.
    await writeAgain(second.page, `Thanks! ${tag}-b2`);
    await agent.getByRole('log').getByText(`${tag}-b2`).waitFor({ timeout: 15_000 });
    expect(await agent.title()).toBe(`(1) New message · ${BASE}`);

    // Opening the first chat reads it.
    await row(`${tag}-a2`).click();
    await expect.poll(() => agent.title(), { timeout: 15_000 }).toBe(BASE);

    // The agent turns customer replies off; the choice is still there after a reload.
    await agent.getByText('Settings', { exact: true }).click();
    await agent.getByRole('checkbox', { name: 'Customer replies in my chats' }).uncheck();
    await agent.reload();
    await agent.getByText('Settings', { exact: true }).click();
    expect(await agent.getByRole('checkbox', { name: 'Customer replies in my chats' }).isChecked()).toBe(false);
    expect(await agent.getByRole('checkbox', { name: 'Play a sound' }).isChecked()).toBe(true);
    await agent.screenshot({ path: join(SHOTS, 'console-alert-settings.png') });
    expect(errors).toEqual([]);
    await first.context.close();
    await second.context.close();
  }, 120_000);
});
