import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { goToTicket, launchBrowser, recordTraffic, SHOTS, visitorWrites as writeFromSite } from './support.ts';

// Masking personal data, switched in the console's privacy settings (MISSION.md A12): once an
// admin turns it on, a card number a visitor sends reaches the console masked (pop-over, list,
// messages, and every frame and response the console receives), while the visitor keeps their
// own text; turning it off shows agents the original again. A template never puts a masked
// e-mail into a reply, and a chat turned into a ticket shows its requester masked.

const JOURNEY = 120_000;
const CARD = '4111 1111 1111 1111';
const MASKED_CARD = `${'*'.repeat(15)}1111`;

let gw: TestGateway;
let browser: Browser;
let agent: Page;
let traffic: ReturnType<typeof recordTraffic>;
const contexts: BrowserContext[] = [];

/** The demo admin's console, with everything it receives recorded from the start. */
async function signInRecorded(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  traffic = recordTraffic(page);
  await page.goto(`${gw.url}/console/`);
  await page.getByLabel('Email').fill('agent@example.com');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await page.locator('.presence--online').waitFor();
  return page;
}

/** Sets masking in the privacy settings and saves it; back to the conversations after. */
async function setMasking(on: boolean): Promise<void> {
  await agent.getByRole('button', { name: 'Workspace settings' }).click();
  const privacy = agent.getByRole('region', { name: 'Privacy' });
  await privacy.getByRole('checkbox', { name: 'Mask personal data' }).setChecked(on);
  await privacy.getByRole('button', { name: 'Save privacy settings' }).click();
  await privacy.getByRole('status').filter({ hasText: 'Privacy settings saved.' }).waitFor();
  await agent.getByRole('button', { name: 'Back to conversations' }).click();
}

/** Turns masking on; only what the console receives from here on is recorded (before, masking was off). */
async function maskFromNow(): Promise<void> {
  await setMasking(true);
  traffic.frames.length = 0;
  traffic.responses.length = 0;
}

/** A visitor on the demo site writes a first message. */
async function visitorWrites(text: string): Promise<Page> {
  const { context, page } = await writeFromSite(browser, `${gw.url}/`, text);
  contexts.push(context);
  return page;
}

/** A visitor writes `text`, and the agent accepts the chat it pops over; it opens. */
async function chatAccepted(text: string): Promise<Page> {
  const visitor = await visitorWrites(text);
  await agent.getByRole('alertdialog').filter({ hasText: text }).getByRole('button', { name: 'Accept', exact: true }).click({ timeout: 20_000 });
  await agent.getByRole('log', { name: 'Messages' }).getByText(text).waitFor({ timeout: 15_000 });
  return visitor;
}

beforeAll(async () => {
  gw = await startGateway();
  browser = await launchBrowser();
  agent = await signInRecorded();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await gw?.close();
});

describe('masking personal data from the console’s privacy settings', () => {
  it(
    'masks a card number a visitor sends once an admin turns masking on, and shows it again once it is off',
    async () => {
      await maskFromNow();

      const tag = cid().slice(0, 8);
      const visitor = await visitorWrites(`My card is ${CARD}, order ${tag}`);
      const masked = `My card is ${MASKED_CARD}, order ${tag}`;

      // The pop-over, the list and the messages show it masked.
      const offer = agent.getByRole('alertdialog').filter({ hasText: tag });
      await offer.waitFor({ timeout: 20_000 });
      expect(await offer.textContent()).toContain(MASKED_CARD);
      await offer.getByRole('button', { name: 'Accept', exact: true }).click();
      const messages = agent.getByRole('log', { name: 'Messages' });
      await messages.getByText(masked).waitFor({ timeout: 15_000 });
      await agent.screenshot({ path: join(SHOTS, 'console-masked.png') });
      expect(await agent.locator('body').innerText()).not.toContain(CARD);
      const received = [...traffic.frames, ...traffic.responses].join('\n');
      expect(received).toContain(tag);
      expect(received).not.toContain(CARD);
      expect(received.replace(/\s/g, '')).not.toContain('4111111111111111');

      // The visitor still reads what they wrote.
      await visitor.getByText(`My card is ${CARD}, order ${tag}`).waitFor();

      // Off again: the conversation, read anew, shows agents the original text.
      await setMasking(false);
      await agent.reload();
      await agent.getByRole('log', { name: 'Messages' }).getByText(`My card is ${CARD}, order ${tag}`).waitFor({ timeout: 15_000 });
      expect(traffic.errors).toEqual([]);
    },
    JOURNEY,
  );

  it(
    'leaves the customer’s e-mail out of a template, sends nothing until the agent fills it in, and never sends the masked address',
    async () => {
      await setMasking(true);
      const visitor = await chatAccepted(`Can you e-mail me the invoice? ${cid().slice(0, 8)}`);

      // The agent adds the visitor as a contact with their e-mail.
      const panel = agent.getByRole('region', { name: 'Customer' });
      await panel.getByRole('button', { name: 'Add as contact' }).click();
      const form = panel.getByRole('form', { name: 'Add as contact' });
      await form.getByRole('textbox', { name: 'Name' }).fill('Melissa Stone');
      await form.getByRole('textbox', { name: 'E-mail (optional)' }).fill('melissa@gmail.com');
      await form.getByRole('button', { name: 'Add contact' }).click();
      await panel.getByText('Contact', { exact: true }).waitFor();

      // The demo follow-up leaves <email> for the agent; Enter and the Send button send nothing.
      const reply = agent.getByRole('textbox', { name: 'Reply' });
      await reply.pressSequentially('/Follow-up');
      await agent.getByRole('listbox', { name: 'Templates' }).getByRole('option', { name: /Follow-up by e-mail/ }).waitFor();
      await agent.keyboard.press('Enter');
      await expect.poll(() => reply.inputValue()).toMatch(/^Thanks, Melissa\. I will send the details to <email>\. /);
      await agent.getByText('Fill in <email> before sending: personal data is masked, so the template does not fill it in for you.').waitFor();
      expect(await agent.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
      await agent.keyboard.press('Enter');
      await agent.getByRole('alert').filter({ hasText: 'Fill in <email> before sending' }).waitFor();

      // Reworded, it goes; the visitor reads it as the agent wrote it, with no stars and no placeholder.
      const sent = (await reply.inputValue()).replace('<email>', 'the address you gave us');
      await reply.fill(sent);
      await reply.press('Enter');
      await visitor.getByText(sent).waitFor({ timeout: 15_000 });
      expect(await visitor.getByText(/I will send the details/).count()).toBe(1);
      expect(await visitor.getByText(/\*\*\*|<email>/).count()).toBe(0);
      await setMasking(false);
      expect(traffic.errors).toEqual([]);
    },
    JOURNEY,
  );

  it(
    'shows a chat turned into a ticket with the requester’s e-mail masked everywhere, the name made from it too, and no link to the masked address',
    async () => {
      await maskFromNow();
      const tag = cid().slice(0, 8);
      // A unique address: its local part must reach the console nowhere while masking is on.
      const canary = `visitor.${tag}`;
      const masked = `v${'*'.repeat(canary.length - 1)}`;
      await chatAccepted(`My order has not arrived ${tag}`);

      await agent.getByRole('button', { name: 'Convert to ticket' }).click();
      const dialog = agent.getByRole('dialog', { name: /^Convert the chat with .* to a ticket$/ });
      await dialog.getByRole('textbox', { name: 'Customer’s e-mail' }).fill(`${canary}@example.com`);
      await dialog.getByRole('button', { name: 'Convert to ticket' }).click();

      // The ticket panel: requester and subject masked, the address shown but not a link.
      const { number, ticket } = await goToTicket(agent);
      await ticket.getByText(`Chat with ${masked}`).waitFor();
      await ticket.getByText(`${masked}@example.com`).waitFor();
      expect(await ticket.locator('a[href^="mailto:"]').count()).toBe(0);
      // The tickets list: the same.
      const row = agent.locator(`[data-ticket-number="${number}"]`);
      await expect.poll(() => row.textContent()).toContain(`${masked} <${masked}@example.com>`);

      expect(await agent.locator('body').innerText()).not.toContain(canary);
      expect([...traffic.frames, ...traffic.responses].join('\n')).not.toContain(canary);
      await setMasking(false);
      expect(traffic.errors).toEqual([]);
    },
    JOURNEY,
  );
});
