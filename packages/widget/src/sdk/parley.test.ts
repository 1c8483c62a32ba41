import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFront as createSdk, type ParleySdk } from './front.ts';
import { fakeGateway, fakeModules, settle, storedKeys, type FakeGateway } from './test-support.ts';
import { createParley } from './index.ts';

const BASE = 'https://chat.example.com';
const SIGNATURE = 'a'.repeat(64);

describe('the Parley SDK', () => {
  let gateway: FakeGateway;
  let modules: ReturnType<typeof fakeModules>;
  let sdk: ParleySdk;
  let warn: ReturnType<typeof vi.spyOn>;
  let setItem: ReturnType<typeof vi.spyOn>;

  const Parley = (method: string, ...args: unknown[]) => sdk.call(method, args);
  const host = () => document.querySelector('parley-widget');
  const launcher = () => host()?.shadowRoot?.querySelector<HTMLButtonElement>('button.launcher') ?? null;
  const errors = () => {
    const seen: { code: string; message: string; method?: string }[] = [];
    Parley('on', 'error', (error: { code: string; message: string }) => seen.push(error));
    return seen;
  };

  // The core and its methods load with import(): transform them once, so timing is the SDK's own.
  beforeAll(async () => {
    await import('./core-entry.ts');
    await import('./methods.ts');
    await import('./badge.ts');
  });

  beforeEach(() => {
    gateway = fakeGateway();
    modules = fakeModules();
    vi.stubGlobal('fetch', gateway.fetch);
    vi.stubGlobal('WebSocket', vi.fn());
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    localStorage.clear();
    setItem = vi.spyOn(Storage.prototype, 'setItem');
    sdk = createSdk({ window, baseUrl: BASE, importSdk: modules.importCore, importModule: modules.importModule });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    document.body.innerHTML = '';
    localStorage.clear();
  });

  describe('queue and replay', () => {
    it('replays calls made before boot, in order, once booted', async () => {
      const order: string[] = [];
      Parley('on', 'ready', () => order.push('ready'));
      Parley('on', 'open', () => order.push('open'));
      Parley('show');
      Parley('identify', { userId: 'u-1', signature: SIGNATURE });
      expect(host()).toBeNull();
      Parley('boot', { appId: 'demo' });
      await settle();
      expect(order).toEqual(['ready', 'open']);
      expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
      // The identity was applied to the session before the messenger got its token.
      expect(gateway.paths()).toEqual(['POST /api/visitor/sessions', 'POST /api/visitor/identify']);
      expect(modules.messenger.tokens).toEqual(['token-1']);
    });

    it('resolves ready when booted and tells a late ready listener at once', async () => {
      let resolved = false;
      void sdk.ready.then(() => (resolved = true));
      await settle(2);
      expect(resolved).toBe(false);
      Parley('boot', { appId: 'demo' });
      await settle(2);
      expect(resolved).toBe(true);
      const late = vi.fn();
      Parley('on', 'ready', late);
      await settle();
      expect(late).toHaveBeenCalledTimes(1);
    });
  });

  describe('show, hide, toggle and events', () => {
    it('opens and closes the messenger and emits open and close; off and the unsubscribe stop listening', async () => {
      const open = vi.fn();
      const close = vi.fn();
      Parley('boot', { appId: 'demo' });
      const stopOpen = Parley('on', 'open', open) as () => void;
      Parley('on', 'close', close);
      Parley('show');
      await settle();
      expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);
      expect(open).toHaveBeenCalledTimes(1);
      Parley('show'); // Already open: nothing happens.
      Parley('hide');
      await settle();
      expect(modules.messenger.controller.close).toHaveBeenCalledTimes(1);
      expect(close).toHaveBeenCalledTimes(1);
      Parley('toggle');
      await settle();
      expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
      expect(open).toHaveBeenCalledTimes(2);
      stopOpen();
      Parley('off', 'close', close);
      Parley('toggle');
      Parley('toggle');
      await settle();
      expect(open).toHaveBeenCalledTimes(2);
      expect(close).toHaveBeenCalledTimes(1);
    });

    it('passes the messenger\'s events on and draws the unread badge', async () => {
      const counts: number[] = [];
      const received = vi.fn();
      Parley('boot', { appId: 'demo', locale: 'nl' });
      Parley('on', 'unreadCountChange', ({ count }: { count: number }) => counts.push(count));
      Parley('on', 'messageReceived', received);
      Parley('show');
      await settle();
      const { events } = modules.messenger.hosts[0]!;
      events!.unreadCountChange!(3);
      events!.messageReceived!({ conversationId: 'c1', body: 'Hi', author: { kind: 'agent', name: 'Ann' } });
      expect(counts).toEqual([3]);
      await settle(); // The badge's code loads with the first unread message.
      expect(received).toHaveBeenCalledWith({ conversationId: 'c1', body: 'Hi', author: { kind: 'agent', name: 'Ann' } });
      const badge = host()!.shadowRoot!.querySelector<HTMLElement>('.unread')!;
      expect(badge.textContent).toBe('3');
      expect(badge.hidden).toBe(false);
      expect(badge.getAttribute('aria-label')).toBe('3 ongelezen berichten');
      expect(launcher()!.getAttribute('aria-describedby')).toBe(badge.id);
      expect(launcher()!.getAttribute('aria-label')).toBe('Chat sluiten');
      events!.unreadCountChange!(0);
      expect(badge.hidden).toBe(true);
      expect(launcher()!.hasAttribute('aria-describedby')).toBe(false);
    });

    it('keeps going when a listener throws', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const after = vi.fn();
      Parley('boot', { appId: 'demo' });
      Parley('on', 'open', () => {
        throw new Error('page bug');
      });
      Parley('on', 'open', after);
      Parley('show');
      await settle();
      expect(after).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/listener threw/), expect.any(Error));
    });
  });

  describe('misuse', () => {
    it('reports an unknown method with UNKNOWN_METHOD, listing the methods, without throwing', async () => {
      const seen = errors();
      Parley('boot', { appId: 'demo' });
      expect(() => Parley('frobnicate', 1)).not.toThrow();
      await settle();
      expect(seen).toEqual([expect.objectContaining({ code: 'UNKNOWN_METHOD', method: 'frobnicate' })]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unknown method 'frobnicate'; use one of: boot, show, hide, toggle, on, off, identify, update, shutdown/));
    });

    it('reports a boot without an app id, or outside the script tag without baseUrl, with INVALID_OPTIONS', async () => {
      const seen = errors();
      for (const options of [undefined, {}, { appId: '<script>' }, 'demo']) expect(() => Parley('boot', options)).not.toThrow();
      // The SDK loads to say what is wrong; no launcher is drawn.
      await settle();
      expect(seen.map((e) => e.code)).toEqual(['INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS']);
      expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/boot needs \{ appId: 'YOUR_APP_ID' \}/));
      const esm = createSdk({ window, importSdk: modules.importCore, importModule: modules.importModule });
      esm.call('boot', [{ appId: 'demo' }]);
      await settle();
      expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/baseUrl/));
      expect(host()).toBeNull();
      expect(gateway.calls).toEqual([]);
    });

    it('reports bad arguments of each method with a code and how to fix it, and changes nothing', async () => {
      const seen = errors();
      Parley('boot', { appId: 'demo' });
      Parley('on', 'unread', () => {});
      Parley('on', 'open', 'not a function');
      Parley('identify', { userId: 'u-1' });
      Parley('identify', { userId: 'u-1', signature: 'secret-in-the-page' });
      Parley('identify', { userId: '', signature: SIGNATURE });
      Parley('identify', { userId: 'u-1', signature: SIGNATURE, user_hash: 'x' });
      Parley('update', { userId: 'u-1' });
      Parley('update', { email: 'not-an-email' });
      Parley('update', { attributes: { '1st': 'x' } });
      Parley('update', { attributes: { nested: { a: 1 } } });
      Parley('update', { consent: 'yes' });
      Parley('showConversation', 42);
      Parley('newConversation', { text: 'hi' });
      Parley('mount', { surface: 'tickets', element: document.body });
      Parley('mount', { surface: 'webform', element: '#missing' });
      Parley('mount', { surface: 'webform', element: '##bad selector' });
      Parley('boot', { appId: 'other' });
      await settle();
      expect(seen.map((e) => `${e.method}:${e.code}`)).toEqual([
        'on:INVALID_OPTIONS',
        'on:INVALID_OPTIONS',
        'identify:INVALID_OPTIONS',
        'identify:INVALID_OPTIONS',
        'identify:INVALID_OPTIONS',
        'identify:INVALID_OPTIONS',
        'update:INVALID_OPTIONS',
        'update:INVALID_OPTIONS',
        'update:INVALID_OPTIONS',
        'update:INVALID_OPTIONS',
        'update:INVALID_OPTIONS',
        'showConversation:INVALID_OPTIONS',
        'newConversation:INVALID_OPTIONS',
        'mount:INVALID_OPTIONS',
        'mount:INVALID_OPTIONS',
        'mount:INVALID_OPTIONS',
        'boot:ALREADY_BOOTED',
      ]);
      const messages = seen.map((e) => e.message).join('\n');
      expect(messages).toMatch(/on needs one of the events ready, open, close/);
      expect(messages).toMatch(/computed on your server; never put the secret in the page/);
      expect(messages).toMatch(/unknown field user_hash/);
      expect(messages).toMatch(/Use identify\(\{ userId, signature \}\)/);
      expect(messages).toMatch(/consent must be one of on-interaction, granted, denied/);
      expect(messages).toMatch(/call shutdown\(\) before booting another app/);
      expect(warn).toHaveBeenCalledTimes(seen.length);
      expect(gateway.calls).toEqual([]);
      expect(storedKeys()).toEqual([]);
    });

    it('reports a core that cannot load with LOAD_FAILED and tries again on the next call', async () => {
      let fail = true;
      const importCore = vi.fn(async () => {
        if (fail) throw new Error('offline');
        return modules.importCore();
      });
      sdk = createSdk({ window, baseUrl: BASE, importSdk: importCore, importModule: modules.importModule });
      const seen = errors();
      Parley('boot', { appId: 'demo' });
      Parley('show');
      await settle();
      expect(seen).toEqual([expect.objectContaining({ code: 'LOAD_FAILED' })]);
      expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
      fail = false;
      launcher()!.click();
      await settle();
      expect(modules.messenger.controller.open).toHaveBeenCalledTimes(1);
    });
  });

  describe('consent and storage', () => {
    it('stores nothing, calls nothing and opens no socket before the visitor interacts, even with identify and update', async () => {
      Parley('boot', { appId: 'demo' });
      Parley('identify', { userId: 'u-1', signature: SIGNATURE, name: 'Ada' });
      Parley('update', { attributes: { plan: 'pro' } });
      await settle();
      expect(gateway.calls).toEqual([]);
      expect(setItem).not.toHaveBeenCalled();
      expect(WebSocket).not.toHaveBeenCalled();
      expect(modules.importModule).not.toHaveBeenCalledWith(`${BASE}/widget/messenger.js`);

      launcher()!.click();
      await settle();
      expect(gateway.paths()).toEqual(['POST /api/visitor/sessions', 'POST /api/visitor/identify', 'PATCH /api/visitor/me']);
      expect(gateway.calls[1]).toMatchObject({ token: 'token-1', body: { userId: 'u-1', signature: SIGNATURE, name: 'Ada' } });
      expect(gateway.calls[2]).toMatchObject({ token: 'token-1', body: { attributes: { plan: 'pro' } } });
      expect(localStorage.getItem('parley:demo:session')).toBe('token-1');
    });

    it('with consent granted, starts and identifies the session at boot', async () => {
      Parley('boot', { appId: 'demo', consent: 'granted', user: { userId: 'u-1', signature: SIGNATURE } });
      await settle();
      expect(gateway.paths()).toEqual(['POST /api/visitor/sessions', 'POST /api/visitor/identify']);
      expect(localStorage.getItem('parley:demo:session')).toBe('token-1');
    });

    it('with consent denied, writes nothing to the browser even when the visitor chats, and removes what was stored', async () => {
      localStorage.setItem('parley:demo:session', 'old-token');
      localStorage.setItem('parley:demo:conversation', '{"id":"c1"}');
      localStorage.setItem('other-site-key', 'kept');
      setItem.mockClear();
      Parley('boot', { appId: 'demo', consent: 'denied' });
      await settle();
      expect(storedKeys()).toEqual([]);
      expect(localStorage.getItem('other-site-key')).toBe('kept');
      // No reconnect for the badge either: the visitor said no.
      expect(modules.messenger.controller.connect).not.toHaveBeenCalled();
      launcher()!.click();
      await settle();
      const { storage } = modules.messenger.hosts[0]!;
      storage!.setItem('parley:demo:outbox', '[]');
      expect(storage!.getItem('parley:demo:outbox')).toBe('[]');
      // The session of this page view lives in memory: it is the one stored before, taken out of the browser.
      expect(modules.messenger.tokens).toEqual(['old-token']);
      expect(setItem).not.toHaveBeenCalled();
      expect(storedKeys()).toEqual([]);

      // Consent given later: what the page holds is stored.
      Parley('update', { consent: 'granted' });
      await settle();
      expect(storedKeys().sort()).toEqual(['parley:demo:conversation', 'parley:demo:outbox', 'parley:demo:session']);
    });

    it('reconnects a returning visitor with a conversation when the page is idle, for the badge', async () => {
      localStorage.setItem('parley:demo:session', 'token-9');
      localStorage.setItem('parley:demo:conversation', '{"id":"c1"}');
      Parley('boot', { appId: 'demo' });
      await settle();
      expect(modules.messenger.controller.connect).toHaveBeenCalledTimes(1);
      expect(modules.messenger.controller.open).not.toHaveBeenCalled();
      expect(modules.messenger.tokens).toEqual(['token-9']);
      expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
    });

    it('a returning visitor without conversations loads nothing', async () => {
      localStorage.setItem('parley:demo:session', 'token-9');
      Parley('boot', { appId: 'demo' });
      await settle();
      expect(modules.importModule).not.toHaveBeenCalled();
    });
  });

  describe('identity', () => {
    it('reports a signature the gateway refuses with its code, and the session stays anonymous', async () => {
      gateway.identify = () => [401, { error: { code: 'INVALID_SIGNATURE', message: 'The signature does not match the user id.' } }];
      const seen = errors();
      const identified = vi.fn();
      Parley('boot', { appId: 'demo' });
      Parley('on', 'identified', identified);
      Parley('identify', { userId: 'u-1', signature: SIGNATURE });
      Parley('show');
      await settle();
      expect(seen).toEqual([expect.objectContaining({ code: 'INVALID_SIGNATURE', method: 'identify' })]);
      expect(identified).not.toHaveBeenCalled();
      expect(modules.messenger.tokens).toEqual(['token-1']);
    });

    it('replaces a stored session of another user (IDENTITY_MISMATCH) with a new one for this user, dropping the old conversation', async () => {
      localStorage.setItem('parley:demo:session', 'token-of-alice');
      localStorage.setItem('parley:demo:conversation', '{"id":"alice-conversation"}');
      gateway.identify = (body, token) =>
        token === 'token-of-alice' ? [409, { error: { code: 'IDENTITY_MISMATCH', message: 'another user' } }] : [200, { visitorId: 'v2', userId: body.userId, merged: true }];
      const identified = vi.fn();
      Parley('on', 'identified', identified);
      Parley('boot', { appId: 'demo', consent: 'granted', user: { userId: 'bob', signature: SIGNATURE } });
      await settle();
      expect(gateway.paths()).toEqual(['POST /api/visitor/identify', 'POST /api/visitor/sessions', 'POST /api/visitor/identify']);
      expect(gateway.calls[2]!.token).toBe('token-1');
      expect(localStorage.getItem('parley:demo:session')).toBe('token-1');
      expect(localStorage.getItem('parley:demo:conversation')).toBeNull();
      expect(identified).toHaveBeenCalledWith({ userId: 'bob', merged: true });
    });
  });

  describe('language', () => {
    it('makes the session in the language the widget shows, so replies are e-mailed in it', async () => {
      Parley('boot', { appId: 'demo', locale: 'nl-BE' });
      Parley('show');
      await settle();
      expect(gateway.calls[0]).toEqual(expect.objectContaining({ method: 'POST', path: '/api/visitor/sessions', body: { appId: 'demo', locale: 'nl' } }));
    });

    it("sends a new language with update when a session exists, and makes a later session in it when none does", async () => {
      Parley('boot', { appId: 'demo', locale: 'nl' });
      Parley('update', { locale: 'it' });
      await settle();
      expect(gateway.paths()).toEqual([]);
      Parley('show');
      await settle();
      expect(gateway.calls[0]!.body).toEqual({ appId: 'demo', locale: 'it' });
      expect(gateway.paths()).toEqual(['POST /api/visitor/sessions']);

      Parley('update', { locale: 'tr-TR' });
      await settle();
      expect(gateway.calls.at(-1)).toEqual({ method: 'PATCH', path: '/api/visitor/me', token: 'token-1', body: { locale: 'tr' } });
    });
  });

  describe('shutdown', () => {
    it('ends the session, closes the messenger, removes the launcher and every stored key; a new boot starts afresh', async () => {
      Parley('boot', { appId: 'demo' });
      Parley('show');
      await settle();
      localStorage.setItem('parley:demo:outbox', '[{"body":"x"}]');
      localStorage.setItem('parley:demo:conversation', '{"id":"c1"}');
      localStorage.setItem('parley:other:session', 'another app');
      const close = vi.fn();
      Parley('on', 'close', close);
      const done = Parley('shutdown') as Promise<void>;
      expect(host()).toBeNull();
      await done;
      expect(modules.messenger.controller.destroy).toHaveBeenCalledTimes(1);
      expect(gateway.calls.at(-1)).toEqual({ method: 'DELETE', path: '/api/visitor/sessions/current', token: 'token-1' });
      expect(storedKeys()).toEqual([]);
      expect(localStorage.getItem('parley:other:session')).toBe('another app');
      expect(close).toHaveBeenCalledTimes(1);
      // A surface still holding the old session provider is refused, so it cannot make a session of its own.
      await expect(modules.messenger.hosts[0]!.session!()).rejects.toMatchObject({ code: 'SESSION_ENDED' });

      Parley('boot', { appId: 'demo' });
      Parley('show');
      await settle();
      expect(host()).not.toBeNull();
      expect(modules.messenger.hosts).toHaveLength(2);
      expect(modules.messenger.tokens.at(-1)).toBe('token-2');
    });
  });

  it('keeps the page\'s listeners across shutdown and a new boot', async () => {
    const opened = vi.fn();
    const seen = errors();
    Parley('on', 'open', opened);
    Parley('boot', { appId: 'demo' });
    await (Parley('shutdown') as Promise<void>);
    Parley('boot', { appId: 'demo' });
    Parley('show');
    Parley('frobnicate');
    await settle();
    expect(opened).toHaveBeenCalledTimes(1);
    expect(seen.map((e) => e.code)).toEqual(['UNKNOWN_METHOD']);
  });

  describe('conversations and inline surfaces', () => {
    it('opens the messenger on a new conversation with text, or on a conversation', async () => {
      Parley('boot', { appId: 'demo' });
      Parley('newConversation', 'About order #1042');
      Parley('showConversation', 'c-42');
      await settle();
      expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
      expect(modules.messenger.controller.newConversation).toHaveBeenCalledWith('About order #1042');
      expect(modules.messenger.controller.showConversation).toHaveBeenCalledWith('c-42');
    });

    it('mounts the web form inline into a shadow root of the element, with the shared session, and unmounts it', async () => {
      const element = document.createElement('div');
      element.id = 'support';
      document.body.append(element);
      Parley('boot', { appId: 'demo', locale: 'it' });
      const mounted = (await Parley('mount', { surface: 'webform', element: '#support' })) as { unmount(): void };
      const [surfaceHost] = modules.surfaces.webform!.hosts;
      expect(surfaceHost).toMatchObject({ root: element.shadowRoot, baseUrl: BASE, appId: 'demo', locale: 'it' });
      expect(await surfaceHost!.session()).toBe('token-1');
      mounted.unmount();
      expect(modules.surfaces.webform!.unmount).toHaveBeenCalledTimes(1);
    });
  });

  describe('inline surfaces hearing the messenger', () => {
    it('hands the portal each conversation change the messenger hears, until it stops listening', async () => {
      const element = document.createElement('div');
      element.id = 'requests';
      document.body.append(element);
      Parley('boot', { appId: 'demo' });
      Parley('show');
      await Parley('mount', { surface: 'portal', element: '#requests' });
      const [surfaceHost] = modules.surfaces.portal!.hosts;
      const heard: unknown[] = [];
      const stop = surfaceHost!.onConversationUpdated!((conversation) => heard.push(conversation));
      const { events } = modules.messenger.hosts[0]!;
      events!.conversationUpdated!({ id: 'c1', status: 'closed' });
      events!.conversationUpdated!({ id: 'c1', status: 'open' });
      expect(heard).toEqual([
        { id: 'c1', status: 'closed' },
        { id: 'c1', status: 'open' },
      ]);
      stop();
      events!.conversationUpdated!({ id: 'c2', status: 'closed' });
      expect(heard).toHaveLength(2);
    });
  });

  describe('the ESM API', () => {
    it('offers the same methods with types; on returns an unsubscribe function', async () => {
      const parley = createParley({ window, importModule: modules.importModule });
      const open = vi.fn();
      parley.boot({ appId: 'demo', baseUrl: BASE });
      await parley.ready;
      const stop = parley.on('open', open);
      expect(typeof stop).toBe('function');
      parley.show();
      await settle();
      expect(open).toHaveBeenCalledTimes(1);
      stop();
      parley.hide();
      parley.toggle();
      await settle();
      expect(open).toHaveBeenCalledTimes(1);
      await expect(parley.shutdown()).resolves.toBeUndefined();
    });
  });
});
