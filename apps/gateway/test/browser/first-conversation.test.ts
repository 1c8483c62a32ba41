import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function messagesOf(conversationId: string): Promise<{ body: string; internal: boolean }[]> {
  const res = await fetch(`${gw.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } });
  return (await res.json()).messages;
}

async function conversations(): Promise<{ id: string; preview: string }[]> {
  const res = await fetch(`${gw.url}/api/agent/conversations`, { headers: { cookie } });
  return (await res.json()).conversations;
}

describe('the first conversation in a browser', () => {
  it('a visitor writes from the demo site, an agent answers in the console, the visitor sees it live and after a reload; an internal note never reaches the visitor', async () => {
    const canary = `CANARY-${cid()}`;
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitor = await visitorContext.newPage();
    const traffic = recordTraffic(visitor);
    await visitor.goto(`${gw.url}/`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Message' });
    await box.fill('Do you ship orchids to Utrecht? <b>bold?</b>');
    await box.press('Enter');
    await expect.poll(() => visitor.getByText('Sent').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await signIn(agentContext, gw.url, DEMO_PASSWORD);
    await agent.getByText('Do you ship orchids to Utrecht?').first().click();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Yes, within two days.');
    await reply.press('Enter');
    await agent.getByRole('radio', { name: 'Internal note' }).check();
    const note = agent.getByRole('textbox', { name: 'Internal note' });
    await note.fill(`${canary} customer seems unsure`);
    await note.press('Enter');
    await agent.getByRole('log', { name: 'Messages' }).getByText(canary).waitFor();
    await agent.screenshot({ path: join(SHOTS, 'console.png') });

    // Live, without a reload.
    await visitor.getByText('Yes, within two days.').waitFor({ timeout: 15_000 });
    // HTML in a message shows as text on both sides.
    await visitor.getByText('<b>bold?</b>', { exact: false }).first().waitFor();
    expect(await visitor.locator('b').count()).toBe(0);
    await agent.getByText('<b>bold?</b>', { exact: false }).first().waitFor();
    await visitor.screenshot({ path: join(SHOTS, 'messenger.png') });

    const [conversation] = await conversations();
    const stored = await messagesOf(conversation!.id);
    expect(stored.map((m) => m.internal)).toEqual([false, false, true]);

    // After a reload the visitor sees the conversation again.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByText('Yes, within two days.').waitFor({ timeout: 15_000 });
    await visitor.getByText('Do you ship orchids to Utrecht?', { exact: false }).waitFor();

    // The note is nowhere the visitor's page can read: frames, responses, DOM, storage.
    const page = [
      ...traffic.frames,
      ...traffic.responses,
      await visitor.content(),
      await visitor.evaluate(() => JSON.stringify({ ...localStorage })),
      await visitor.evaluate(() => document.querySelector('[data-parley]')?.shadowRoot?.innerHTML ?? [...document.querySelectorAll('*')].map((e) => e.shadowRoot?.innerHTML ?? '').join('')),
    ];
    expect(traffic.frames.length).toBeGreaterThan(0);
    for (const text of page) expect(text).not.toContain(canary);
    expect(traffic.errors).toEqual([]);
    await visitorContext.close();
    await agentContext.close();
  });

  it('sends a message left unacknowledged in the outbox exactly once when the page comes back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gw.url}/`);
    // The first visit: the session is made, then the socket cannot reach the gateway.
    await page.routeWebSocket(/\/ws\/visitor/, () => {});
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('typed just before the tab closed');
    await box.press('Enter');
    await page.getByText('Sending…').first().waitFor();
    const outbox = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.includes('outbox')).map(([, v]) => v).join(''));
    expect(outbox).toContain('typed just before the tab closed');
    await page.close();

    // The page comes back with a working connection: the outbox is sent, once.
    const again = await context.newPage();
    await again.goto(`${gw.url}/`);
    await expect
      .poll(async () => {
        const list = await conversations();
        return list.filter((c) => c.preview === 'typed just before the tab closed').length;
      }, { timeout: 15_000 })
      .toBe(1);
    const target = (await conversations()).find((c) => c.preview === 'typed just before the tab closed')!;
    await again.waitForTimeout(500);
    await again.reload();
    await again.getByRole('button', { name: 'Open chat' }).click();
    await again.getByText('typed just before the tab closed').waitFor();
    expect((await messagesOf(target.id)).filter((m) => m.body === 'typed just before the tab closed')).toHaveLength(1);
    await context.close();
  });

  it('keeps what two tabs wrote offline: the tab that stays sends the message of the tab that closed', async () => {
    const context = await browser.newContext();
    // Each tab's sockets are held (open, but no gateway behind them) until `online`.
    let online = false;
    const held: WebSocketRoute[] = [];
    const tab = async () => {
      const page = await context.newPage();
      await page.routeWebSocket(/\/ws\/visitor/, (ws) => {
        if (online) ws.connectToServer();
        else held.push(ws);
      });
      await page.goto(`${gw.url}/`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      return page;
    };
    const write = async (page: Page, body: string) => {
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill(body);
      await box.press('Enter');
      await page.getByText('Sending…').first().waitFor();
    };
    const stored = async () => {
      const bodies: string[] = [];
      for (const { id } of await conversations()) bodies.push(...(await messagesOf(id)).map((m) => m.body));
      return bodies.filter((body) => body.startsWith('offline in tab')).sort();
    };
    // Both tabs are open before either writes, so neither read the other's message at start.
    const a = await tab();
    const b = await tab();
    await write(a, 'offline in tab A');
    await write(b, 'offline in tab B');
    const kept = await b.evaluate(() => Object.entries(localStorage).filter(([k]) => k.includes('outbox')).map(([, v]) => v).join(''));
    expect(kept).toContain('offline in tab A');
    expect(kept).toContain('offline in tab B');
    await a.close();

    // Back online: tab B's socket closes, it reconnects and sends both.
    online = true;
    for (const ws of held.splice(0)) await ws.close().catch(() => {});
    await expect.poll(stored, { timeout: 20_000 }).toEqual(['offline in tab A', 'offline in tab B']);
    await expect.poll(() => b.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('outbox')).length), { timeout: 10_000 }).toBe(0);
    expect(await stored()).toEqual(['offline in tab A', 'offline in tab B']);
    await context.close();
  });

  it('stores one row when the message arrived but its ack was lost, and the page resends it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Frames pass through, except the gateway's acks, which are dropped.
    await page.routeWebSocket(/\/ws\/visitor/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        if (!String(m).includes('"message.ack"')) ws.send(m);
      });
    });
    await page.goto(`${gw.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('ack lost on the way');
    await box.press('Enter');
    await expect.poll(async () => (await conversations()).filter((c) => c.preview === 'ack lost on the way').length, { timeout: 15_000 }).toBe(1);
    await page.close();

    const again = await context.newPage();
    await again.goto(`${gw.url}/`);
    await again.getByRole('button', { name: 'Open chat' }).click();
    await again.getByText('Sent').first().waitFor({ timeout: 15_000 });
    const target = (await conversations()).find((c) => c.preview === 'ack lost on the way')!;
    expect((await messagesOf(target.id)).map((m) => m.body)).toEqual(['ack lost on the way']);
    await context.close();
  });
});
