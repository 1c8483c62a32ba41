import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { launchBrowser, recordTraffic, SHOTS, signIn, visitorWrites as writeFromSite } from './support.ts';

// axe-core over the whole console in Chromium, in each state an agent works in: signed in with
// the inbox and a conversation open, an incoming request popped over it, the Transfer and
// Resolve dialogs, the settings menu, and the admin's workspace settings with their privacy section.

let gw: TestGateway;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  gw = await startGateway();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** The violations axe-core finds on the whole page. */
async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: unknown[] }[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
}

/** A visitor on the demo site writes a first message: the conversation is offered to the Online agent. */
async function visitorWrites(text: string): Promise<void> {
  contexts.push((await writeFromSite(browser, `${gw.url}/`, text)).context);
}

describe('the console passes axe', () => {
  it('signed in, with a conversation open, an incoming request, the dialogs, the settings and the admin screens', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const agent = await signIn(context, gw.url, DEMO_PASSWORD);
    const errors = recordTraffic(agent).errors;
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('online');
    await agent.locator('.presence--online').waitFor();
    expect(await axeViolations(agent)).toEqual([]);

    // The first chat is offered and accepted: it opens.
    const first = `Can I pay by invoice? ${cid().slice(0, 8)}`;
    await visitorWrites(first);
    const offer = agent.getByRole('alertdialog').filter({ hasText: first });
    await offer.getByRole('button', { name: 'Accept', exact: true }).click();
    await agent.getByText('Owned by you').waitFor({ timeout: 15_000 });
    await agent.getByRole('log', { name: 'Messages' }).getByText(first).waitFor();

    // The second pops over the open conversation, takes the focus to Accept and flashes the title.
    const second = `Is the shop open on Sunday? ${cid().slice(0, 8)}`;
    await visitorWrites(second);
    const popover = agent.getByRole('alertdialog').filter({ hasText: second });
    await popover.waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.evaluate(() => document.activeElement?.textContent)).toBe('Accept');
    await expect.poll(() => agent.title()).toMatch(/^\(1\) New chat request · /);
    await agent.screenshot({ path: join(SHOTS, 'console-offer.png') });
    expect(await axeViolations(agent)).toEqual([]);

    // The dialogs of the open conversation; Escape closes each and gives the focus back.
    await agent.getByRole('button', { name: 'Transfer', exact: true }).click();
    await agent.getByRole('dialog', { name: /Transfer the chat/ }).waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await agent.keyboard.press('Escape');
    await expect.poll(() => agent.getByRole('dialog').count()).toBe(0);
    expect(await agent.evaluate(() => document.activeElement?.textContent)).toBe('Transfer');
    await agent.getByRole('button', { name: 'Resolve', exact: true }).click();
    await agent.getByRole('dialog', { name: /Resolve the chat/ }).getByRole('radio').first().waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await agent.keyboard.press('Escape');

    // The request is accepted from the keyboard; the title stops flashing.
    await popover.getByRole('button', { name: 'Accept', exact: true }).focus();
    await agent.keyboard.press('Enter');
    await agent.getByRole('log', { name: 'Messages' }).getByText(second).waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.title()).toBe('Parley Console');

    await agent.getByText('Settings', { exact: true }).click();
    await agent.getByRole('checkbox', { name: 'Desktop notifications' }).waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await agent.keyboard.press('Escape');

    // The admin's workspace settings, with the new-queue form open; a wrap-up reason added there is stored.
    await agent.getByRole('button', { name: 'Workspace settings' }).click();
    await agent.getByRole('heading', { name: 'Workspace settings', level: 2 }).waitFor();
    await agent.getByRole('textbox', { name: 'New wrap-up reason' }).fill('Refund issued');
    await agent.getByRole('button', { name: 'Add', exact: true }).click();
    await agent.getByRole('button', { name: 'Remove Refund issued' }).waitFor();
    await agent.getByRole('button', { name: 'New queue' }).click();
    await agent.getByRole('form', { name: 'New queue' }).waitFor();
    await agent.screenshot({ path: join(SHOTS, 'console-admin.png'), fullPage: true });
    expect(await axeViolations(agent)).toEqual([]);
    const cookie = await gw.login();
    const stored = await (await fetch(`${gw.url}/api/admin/wrap-up-reasons`, { headers: { cookie } })).json();
    expect(JSON.stringify(stored)).toContain('Refund issued');

    // The privacy section: masking and who sees contact details, changed and saved from the keyboard.
    const privacy = agent.getByRole('region', { name: 'Privacy' });
    const mask = privacy.getByRole('checkbox', { name: 'Mask personal data' });
    await mask.focus();
    await agent.keyboard.press('Space');
    await privacy.getByRole('radio', { name: /Admins only/ }).check();
    await privacy.getByRole('button', { name: 'Save privacy settings' }).press('Enter');
    await privacy.getByRole('status').filter({ hasText: 'Privacy settings saved.' }).waitFor();
    await privacy.screenshot({ path: join(SHOTS, 'console-privacy.png') });
    expect(await axeViolations(agent)).toEqual([]);
    const workspace = await (await fetch(`${gw.url}/api/admin/workspace`, { headers: { cookie } })).json();
    expect(workspace.workspace.maskPersonalData).toBe(true);
    const panel = await (await fetch(`${gw.url}/api/admin/workspace/customer-panel`, { headers: { cookie } })).json();
    expect(panel.settings.contactDetailsRoles).toEqual(['admin']);

    expect(errors).toEqual([]);
    for (const c of contexts) await c.close();
  });
});
