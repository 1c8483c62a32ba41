import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as files from '../support/files.ts';
import { DEMO_PASSWORD, startGateway, type TestGateway } from '../support/gateway.ts';
import { launchBrowser, recordTraffic, SHOTS, signIn } from './support.ts';

let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  gw = await startGateway();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

const XSS_NAME = '<img src=x onerror=window.__hacked=1>.png';

/** Whether an image has decoded (a broken or empty one has no natural size). */
const decoded = (page: Page, alt: string) =>
  page
    .locator('parley-widget')
    .getByRole('img', { name: alt })
    .first()
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

/** Pastes (or drops) a file into the messenger the way a browser does: a ClipboardEvent (DragEvent) with a DataTransfer. */
async function putFile(page: Page, how: 'paste' | 'drop', name: string, bytes: Uint8Array, type: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.evaluate(
    (el, { how, name, bytes, type }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      const init = { bubbles: true, composed: true, cancelable: true };
      if (how === 'paste') el.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: data }));
      else {
        el.dispatchEvent(new DragEvent('dragover', { ...init, dataTransfer: data }));
        el.dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: data }));
      }
    },
    { how, name, bytes: [...bytes], type },
  );
}

/** axe-core over the parts of the messenger that show files: the files to send, the composer, the messages. */
async function axeViolations(page: Page): Promise<{ id: string; nodes: unknown[] }[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const include = [['parley-widget', '.pending'], ['parley-widget', '.composer'], ['parley-widget', '.log']];
    const result = await (window as unknown as { axe: typeof axe }).axe.run({ include } as never, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
  });
}

describe('files in the messenger and the console', () => {
  it('attaches by button with progress, by paste and by drop; shows thumbnails; refuses a spoof with its message; shows a hostile name as text', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await context.newPage();
    const traffic = recordTraffic(visitor);
    await visitor.goto(`${gw.url}/`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const attach = visitor.getByRole('button', { name: 'Attach a file' });
    await attach.waitFor({ timeout: 15_000 });

    // By the button, with the upload held back so its progress is on screen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await visitor.route('**/api/visitor/attachments*', async (route) => {
      await held;
      await route.continue();
    });
    const [chooser] = await Promise.all([visitor.waitForEvent('filechooser'), attach.click()]);
    await chooser.setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from(files.png(64, 48)) });
    const progress = visitor.getByRole('progressbar', { name: 'Uploading receipt.png' });
    await progress.waitFor();
    expect(await visitor.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await visitor.screenshot({ path: join(SHOTS, 'messenger-upload.png') });
    release();
    await progress.waitFor({ state: 'detached', timeout: 15_000 });
    await visitor.unroute('**/api/visitor/attachments*');
    expect(await axeViolations(visitor)).toEqual([]);
    const box = visitor.getByRole('textbox', { name: 'Message' });
    await box.fill('Here is my receipt');
    await box.press('Enter');
    await expect.poll(() => decoded(visitor, 'Image: receipt.png'), { timeout: 15_000 }).toBe(true);

    // By pasting an image, and by dropping a document on the messenger.
    await putFile(visitor, 'paste', 'pasted.png', files.png(20, 20, [30, 160, 60]), 'image/png');
    await putFile(visitor, 'drop', 'terms.pdf', files.pdf(), 'application/pdf');
    const pending = visitor.getByRole('list', { name: 'Files to send' });
    await pending.getByText('pasted.png').waitFor();
    await pending.getByText('terms.pdf').waitFor();
    await expect.poll(() => visitor.getByRole('button', { name: 'Send', exact: true }).isEnabled(), { timeout: 15_000 }).toBe(true);
    await visitor.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => decoded(visitor, 'Image: pasted.png'), { timeout: 15_000 }).toBe(true);
    await visitor.locator('parley-widget').getByRole('button', { name: /^Download terms\.pdf/ }).waitFor();

    // A spoof: HTML (text, to its bytes) named .png. The gateway refuses it and the visitor is told what it really is.
    const [spoofChooser] = await Promise.all([visitor.waitForEvent('filechooser'), attach.click()]);
    await spoofChooser.setFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from(files.html()) });
    const refusal = visitor.locator('parley-widget').getByRole('alert').filter({ hasText: 'cat.png is not what its name says: it is a TXT file.' });
    await refusal.waitFor({ timeout: 15_000 });
    await visitor.getByRole('button', { name: 'Remove cat.png' }).click();

    // A hostile name is text: in the files to send, in the message, and in the console.
    const [xssChooser] = await Promise.all([visitor.waitForEvent('filechooser'), attach.click()]);
    await xssChooser.setFiles({ name: XSS_NAME, mimeType: 'image/png', buffer: Buffer.from(files.png(8, 8)) });
    await pending.getByText(XSS_NAME).waitFor();
    await expect.poll(() => visitor.getByRole('button', { name: 'Send', exact: true }).isEnabled(), { timeout: 15_000 }).toBe(true);
    await visitor.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => decoded(visitor, `Image: ${XSS_NAME}`), { timeout: 15_000 }).toBe(true);
    await visitor.screenshot({ path: join(SHOTS, 'messenger-files.png') });
    expect(await axeViolations(visitor)).toEqual([]);

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const agent = await signIn(agentContext, gw.url, DEMO_PASSWORD);
    // The inbox previews a message of files alone by their names, as text.
    await agent.getByText(XSS_NAME).first().click();
    await agent.getByRole('log', { name: 'Messages' }).getByText('Here is my receipt').waitFor();
    const log = agent.getByRole('log', { name: 'Messages' });
    await log.getByRole('link', { name: /receipt\.png/ }).waitFor({ timeout: 15_000 });
    await log.getByRole('link', { name: /terms\.pdf/ }).waitFor();
    await log.getByText(XSS_NAME).first().waitFor();
    await expect
      .poll(() => log.locator('img.attachment__thumb').evaluateAll((imgs: HTMLImageElement[]) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length), { timeout: 15_000 })
      .toBe(3);
    await agent.screenshot({ path: join(SHOTS, 'console-files.png') });

    // The agent attaches a file to a reply; the visitor sees it and downloads it.
    const [agentChooser] = await Promise.all([agent.waitForEvent('filechooser'), agent.getByRole('button', { name: 'Attach files' }).click()]);
    await agentChooser.setFiles({ name: 'Invoice.docx', mimeType: 'application/octet-stream', buffer: Buffer.from(files.ooxml('docx')) });
    await agent.getByRole('list', { name: 'Files to send' }).getByText('Invoice.docx').waitFor();
    await expect.poll(() => agent.getByRole('button', { name: 'Send', exact: true }).isEnabled(), { timeout: 15_000 }).toBe(true);
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Your invoice');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    const invoice = visitor.locator('parley-widget').getByRole('button', { name: /^Download Invoice\.docx/ });
    await invoice.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([visitor.waitForEvent('download'), invoice.click()]);
    expect(download.suggestedFilename()).toBe('Invoice.docx');

    // After a reload the thumbnails come from the gateway, fetched with the visitor's token.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => decoded(visitor, 'Image: receipt.png'), { timeout: 15_000 }).toBe(true);

    expect(await visitor.evaluate(() => (window as { __hacked?: number }).__hacked)).toBeUndefined();
    expect(await agent.evaluate(() => (window as { __hacked?: number }).__hacked)).toBeUndefined();
    expect(await visitor.locator('parley-widget').locator('img[onerror]').count()).toBe(0);
    expect(await agent.locator('img[onerror]').count()).toBe(0);
    expect(traffic.errors).toEqual([]);
    await agentContext.close();
    await context.close();
  });
});
