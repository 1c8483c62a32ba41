import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { openWebFormOverPanel } from './in-messenger.ts';

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

describe('openWebFormOverPanel', () => {
  it('covers the panel with the web form, focuses its title, and closes with "Back to the chat" or Escape', async () => {
    const panel = document.createElement('div');
    document.body.append(panel);
    let closed = 0;
    const host = { panel, baseUrl: 'https://chat.example.com', appId: 'demo', session: async () => 'token', onClose: () => closed++ };

    openWebFormOverPanel(host);
    await settle();
    await settle();
    const overlay = panel.lastElementChild as HTMLElement;
    const root = overlay.shadowRoot!;
    const title = root.querySelector('h2')!;
    expect(title.textContent).toBe('Send us a request');
    expect(root.activeElement).toBe(title);
    await act(() => [...root.querySelectorAll('button')].find((b) => b.textContent?.includes('Back to the chat'))!.click());
    expect(panel.children).toHaveLength(0);
    expect(closed).toBe(1);

    const close = openWebFormOverPanel(host);
    await settle();
    panel.lastElementChild!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(panel.children).toHaveLength(0);
    expect(closed).toBe(2);
    close();
    expect(closed).toBe(2);
    panel.remove();
  });
});
