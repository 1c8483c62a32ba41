import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { fakeGateway, fakeModules, settle } from '../sdk/test-support.ts';
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
  let modules: ReturnType<typeof fakeModules>;
  let importModule: Mock<(url: string) => Promise<unknown>>;
  let fetchSpy: Mock;
  let socketSpy: Mock;
  let setItem: ReturnType<typeof vi.spyOn>;
  let warn: ReturnType<typeof vi.spyOn>;

  const host = () => document.querySelector('parley-widget');
  const launcher = () => host()?.shadowRoot?.querySelector('button') ?? null;
  const install = (script: Element | null = scriptTag()) => installParley({ window: win, script, importModule });

  beforeAll(async () => {
    await import('../sdk/core-entry.ts');
  });

  beforeEach(() => {
    modules = fakeModules();
    // The loader imports the SDK's core from the server: here, the real one.
    importModule = vi.fn((url: string) => (url.endsWith('/widget/sdk.js') ? import('../sdk/core-entry.ts') : modules.importModule(url)));
    fetchSpy = fakeGateway().fetch;
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
    win.Parley('show');
    install();
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unknown method 'frobnicate'/));
    expect(importModule).toHaveBeenCalledWith('https://chat.example.com/widget/sdk.js');
    expect(importModule).toHaveBeenCalledWith('https://chat.example.com/widget/messenger.js');
    expect(modules.messenger.hosts[0]).toMatchObject({ root: host()!.shadowRoot, baseUrl: 'https://chat.example.com', appId: 'demo' });
    expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);
  });

  it('holds calls made before boot until it boots', async () => {
    win.Parley = stub();
    win.Parley('show');
    install();
    await settle();
    expect(host()).toBeNull();
    win.Parley!('boot', { appId: 'demo' });
    await settle();
    expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
    expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);
  });

  it('replaces window.Parley with the real function, which has a ready promise', async () => {
    const queued = stub();
    win.Parley = queued;
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(win.Parley).not.toBe(queued);
    expect(win.Parley?.loaded).toBe(true);
    await expect(win.Parley!.ready).resolves.toBeUndefined();
  });

  it('draws the launcher, named "Open chat", in an open shadow root appended to the body', () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(host()!.parentElement).toBe(document.body);
    expect(host()!.shadowRoot!.mode).toBe('open');
    expect(document.querySelector('button')).toBeNull(); // Not in the page's DOM, only in the shadow root.
    expect(launcher()!.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    expect(launcher()!.getAttribute('part')).toBe('launcher');
  });

  it('names the launcher in the boot locale, else the browser\'s language', () => {
    win.Parley = stub();
    win.Parley('boot', { appId: 'demo', locale: 'tr-TR' });
    install();
    expect(launcher()!.getAttribute('aria-label')).toBe('Sohbeti aç');
    document.body.innerHTML = '';
    delete win.Parley;
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['it-IT', 'en']);
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(launcher()!.getAttribute('aria-label')).toBe('Apri la chat');
  });

  it('takes the accent colour and the left corner from boot', () => {
    win.Parley = stub();
    win.Parley('boot', { appId: 'demo', color: '#0a7d32', position: 'left' });
    install();
    expect((host() as HTMLElement).style.getPropertyValue('--parley-accent')).toBe('#0a7d32');
    expect(host()!.getAttribute('position')).toBe('left');
  });

  it('shows launcherText beside the icon while its accessible name stays "Open chat"', () => {
    win.Parley = stub();
    win.Parley('boot', { appId: 'demo', launcherText: 'Questions? <b>Ask us</b>' });
    install();
    expect(launcher()!.querySelector('[part="launcher-text"]')!.textContent).toBe('Questions? <b>Ask us</b>');
    expect(launcher()!.querySelector('b')).toBeNull();
    expect(launcher()!.getAttribute('aria-label')).toBe('Open chat');
  });

  it('still takes open and close, the older names of show and hide', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    win.Parley!('open');
    await settle();
    expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
    win.Parley!('close');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('boots from data-app-id with no inline code (strict CSP snippet)', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await settle();
    expect(modules.messenger.hosts[0]?.appId).toBe('demo');
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
    await settle();
    expect(importModule).toHaveBeenCalledWith('https://other.example.net/widget/sdk.js');
    expect(importModule).toHaveBeenCalledWith('https://other.example.net/widget/messenger.js');
    script.remove();
  });

  it('loads nothing, opens no socket and writes no storage until the visitor clicks', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    await settle();
    expect(importModule).not.toHaveBeenCalled();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(socketSpy).not.toHaveBeenCalled();
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);

    launcher()!.click();
    await settle();
    expect(importModule).toHaveBeenCalledTimes(2); // The core, then the messenger.
    expect(fetchSpy).toHaveBeenCalledTimes(1); // The messenger asked for its session.
  });

  it('toggles between "Open chat" and "Close chat", and opens and closes the messenger', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await settle();
    expect(launcher()!.getAttribute('aria-label')).toBe('Close chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
    expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);

    launcher()!.click();
    await settle();
    expect(launcher()!.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    expect(modules.messenger.controller.close).toHaveBeenCalledTimes(1);
    expect(modules.messenger.hosts).toHaveLength(1);
  });

  it('closes on Escape and puts focus back on the launcher', async () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await settle();
    const inside = document.createElement('textarea');
    host()!.shadowRoot!.append(inside);
    inside.focus();
    inside.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await settle();
    expect(modules.messenger.controller.close).toHaveBeenCalledTimes(1);
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    expect(host()!.shadowRoot!.activeElement).toBe(launcher());
  });

  it('delivers a stored outbox in the background without opening the messenger', async () => {
    localStorage.setItem('parley:demo:outbox', JSON.stringify([{ v: 1, clientMessageId: 'a', clientConversationId: 'b', body: 'hi', createdAt: 1 }]));
    install(scriptTag({ 'data-app-id': 'demo' }));
    await settle();
    expect(modules.messenger.hosts).toHaveLength(1);
    expect(modules.messenger.controller.connect).toHaveBeenCalledTimes(1);
    expect(modules.messenger.controller.open).not.toHaveBeenCalled();
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('warns about unknown methods and bad arguments without throwing into the page', async () => {
    install();
    expect(() => win.Parley!('boot')).not.toThrow();
    await settle();
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/boot needs \{ appId: 'YOUR_APP_ID' \}/));
    expect(() => win.Parley!('boot', { appId: '<script>' })).not.toThrow();
    expect(host()).toBeNull();
    win.Parley!('boot', { appId: 'demo' });
    expect(() => win.Parley!('frobnicate', 1, 2)).not.toThrow();
    expect(() => win.Parley!('identify', null)).not.toThrow();
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unknown method 'frobnicate'.*identify/));
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/identify\(\{ userId, signature \}\)/));
  });

  it('survives a messenger that fails to load: the launcher closes again and a later click retries', async () => {
    importModule.mockImplementation((url: string) =>
      url.endsWith('/widget/sdk.js') ? import('../sdk/core-entry.ts') : Promise.reject(new Error('offline')),
    );
    install(scriptTag({ 'data-app-id': 'demo' }));
    launcher()!.click();
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/cannot load https:\/\/chat\.example\.com\/widget\/messenger\.js/));
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    importModule.mockImplementation((url: string) => (url.endsWith('/widget/sdk.js') ? import('../sdk/core-entry.ts') : modules.importModule(url)));
    launcher()!.click();
    await settle();
    expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);
  });

  it('does not install twice when the loader is included twice', () => {
    install(scriptTag({ 'data-app-id': 'demo' }));
    const first = win.Parley;
    install(scriptTag({ 'data-app-id': 'demo' }));
    expect(win.Parley).toBe(first);
    expect(document.querySelectorAll('parley-widget')).toHaveLength(1);
  });
});
