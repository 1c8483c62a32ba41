import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { MessengerController, MessengerHost, MessengerModule } from '../shared/messenger-contract.ts';
import { installParley, type ParleyFunction } from './install.ts';

type Win = Window & { Parley?: ParleyFunction };
const win = window as Win;
const SRC = 'https://chat.example.com/assets/widget.js';

/** The inline snippet's stub: queues calls on `Parley.q`. */
function stub(): ParleyFunction {
  const Parley: ParleyFunction = function (...args: unknown[]) {
    (Parley.q = Parley.q ?? []).push(args);
  } as ParleyFunction;
  return Parley;
}

function scriptTag(attributes: Record<string, string> = {}): HTMLScriptElement {
  const script = document.createElement('script');
  // Not appended with a src: happy-dom would try to fetch it. `src` is what the loader reads.
  Object.defineProperty(script, 'src', { value: SRC });
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  return script;
}

describe('installParley', () => {
  let controller: { [K in keyof MessengerController]: Mock<() => void> };
  let mounted: MessengerHost[];
  let importMessenger: Mock<(url: string) => Promise<MessengerModule>>;
  let fetchSpy: Mock;
  let socketSpy: Mock;
  let setItem: ReturnType<typeof vi.spyOn>;
  let warn: ReturnType<typeof vi.spyOn>;

  const host = () => document.querySelector('parley-widget');
  const launcher = () => host()?.shadowRoot?.querySelector('button') ?? null;
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  const install = (script: Element | null = scriptTag()) => installParley({ window: win, script, importMessenger });

  beforeEach(() => {
    controller = { open: vi.fn(), close: vi.fn(), connect: vi.fn() };
    mounted = [];
    importMessenger = vi.fn(async () => ({
      mount: (h: MessengerHost) => {
        mounted.push(h);
        return controller;
      },
    }));
    fetchSpy = vi.fn();
    socketSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    vi.stubGlobal('WebSocket', socketSpy);
    setItem = vi.spyOn(Storage.prototype, 'setItem');
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    localStorage.clear();
    setItem.mockClear();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    document.body.innerHTML = '';
    delete win.Parley;
    localStorage.clear();
  });

  it('replays the calls queued before it loaded, in order', async () => {
    win.Parley = stub();
    win.Parley('frobnicate');
    win.Parley('boot', { appId: 'demo' });
    win.Parley('open');
    install();
    expect(warn.mock.calls[0]?.[0]).toMatch(/unknown method 'frobnicate'/);
    await flush();
    expect(importMessenger).toHaveBeenCalledWith('https://chat.example.com/widget/messenger.js');
    expect(mounted).toEqual([{ root: host()!.shadowRoot, baseUrl: 'https://chat.example.com', appId: 'demo' }]);
    expect(controller.open).toHaveBeenCalledTimes(1);
  });

  it('keeps the order of queued calls: open before boot is refused', async () => {
    win.Parley = stub();
    win.Parley('open');
    win.Parley('boot', { appId: 'demo' });
    install();
    await flush();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/call Parley\('boot'.*first/));
    expect(importMessenger).not.toHaveBeenCalled();
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('replaces window.Parley with the real function', () => {
    const queued = stub();
    win.Parley = queued;
    install();
    expect(win.Parley).not.toBe(queued);
    expect(win.Parley?.loaded).toBe(true);
  });

  it('draws the launcher, named "Open chat", in an open shadow root appended to the body', () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(host()!.parentElement).toBe(document.body);
    expect(host()!.shadowRoot!.mode).toBe('open');
    expect(document.querySelector('button')).toBeNull(); // Not in the page's DOM, only in the shadow root.
    expect(launcher()!.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('boots from data-app-id with no inline code (strict CSP snippet)', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await flush();
    expect(mounted[0]?.appId).toBe('demo');
  });

  it('finds its own script by its src when currentScript is not available', async () => {
    const script = document.createElement('script');
    script.type = 'text/plain'; // Keeps happy-dom from loading it.
    script.setAttribute('src', 'https://other.example.net/widget.js?v=2');
    document.head.append(script);
    win.Parley = stub();
    win.Parley('boot', { appId: 'demo' });
    install(null);
    launcher()!.click();
    await flush();
    expect(importMessenger).toHaveBeenCalledWith('https://other.example.net/widget/messenger.js');
    script.remove();
  });

  it('loads nothing, opens no socket and writes no storage until the visitor clicks', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    await flush();
    expect(importMessenger).not.toHaveBeenCalled();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(socketSpy).not.toHaveBeenCalled();
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);

    launcher()!.click();
    await flush();
    expect(importMessenger).toHaveBeenCalledTimes(1);
  });

  it('toggles between "Open chat" and "Close chat", and opens and closes the messenger', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await flush();
    expect(launcher()!.getAttribute('aria-label')).toBe('Close chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
    expect(controller.open).toHaveBeenCalledTimes(1);

    launcher()!.click();
    await flush();
    expect(launcher()!.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    expect(controller.close).toHaveBeenCalledTimes(1);
    expect(importMessenger).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape and puts focus back on the launcher', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await flush();
    const inside = document.createElement('textarea');
    host()!.shadowRoot!.append(inside);
    inside.focus();
    inside.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await flush();
    expect(controller.close).toHaveBeenCalledTimes(1);
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    expect(host()!.shadowRoot!.activeElement).toBe(launcher());
  });

  it('delivers a stored outbox in the background without opening the messenger', async () => {
    localStorage.setItem('parley:demo:outbox', JSON.stringify([{ v: 1, clientMessageId: 'a', clientConversationId: 'b', body: 'hi', createdAt: 1 }]));
    install(scriptTag({ 'data-app-id': 'demo' }));
    await flush();
    expect(importMessenger).toHaveBeenCalledTimes(1);
    expect(controller.connect).toHaveBeenCalledTimes(1);
    expect(controller.open).not.toHaveBeenCalled();
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('warns about unknown methods and bad arguments without throwing into the page', () => {
    install();
    expect(() => win.Parley!('frobnicate', 1, 2)).not.toThrow();
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/unknown method 'frobnicate'.*boot/));
    expect(() => win.Parley!('boot')).not.toThrow();
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/'boot' needs an app id/));
    expect(() => win.Parley!('boot', { appId: '<script>' })).not.toThrow();
    expect(host()).toBeNull();
  });

  it('survives a messenger that fails to load: the launcher closes again and a later click retries', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    importMessenger.mockRejectedValueOnce(new Error('offline'));
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await flush();
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/cannot load https:\/\/chat\.example\.com\/widget\/messenger\.js/), expect.any(Error));
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    launcher()!.click();
    await flush();
    expect(controller.open).toHaveBeenCalledTimes(1);
  });

  it('does not install twice when the loader is included twice', () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    const first = win.Parley;
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(win.Parley).toBe(first);
    expect(document.querySelectorAll('parley-widget')).toHaveLength(1);
  });
});
