import { localStorageOutboxStore } from '@parley/client/outbox';
import { effect, signal } from '@preact/signals-core';
import { render } from 'preact';
import { adoptStyles } from '../shared/adopt-styles.ts';
import { loadI18n, type Catalog, type I18n, type Key } from '../shared/i18n.ts';
import type { MessengerController, MessengerHost, MessengerOptions } from '../shared/messenger-contract.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import type { Extras } from './extras.tsx';
import { createAttachmentsSlot } from './attachments/slot.ts';
import { Messenger } from './Messenger.tsx';
import { createMessengerModel, type KeyValueStorage } from './MessengerModel.ts';
import css from './messenger.css?inline';
import type { MessengerStrings } from './strings/en.ts';
import { createVisitorTransport } from './transport.ts';
import { AfterRender, reactive } from '../shared/reactive.ts';

/** Phones and narrow windows get the messenger fullscreen (matches messenger.css). */
const NARROW = '(max-width: 639.98px)';

/** Every language's strings, loaded one at a time: the first open fetches only the one it shows. */
const STRINGS: Catalog<MessengerStrings> = {
  en: () => import('./strings/en.ts'),
  nl: () => import('./strings/nl.ts'),
  tr: () => import('./strings/tr.ts'),
  it: () => import('./strings/it.ts'),
};

/** localStorage, or an in-memory stand-in where the page may not use it (sandboxed frames, privacy modes). */
function pageStorage(): KeyValueStorage {
  try {
    const storage = window.localStorage;
    storage.getItem('parley:probe');
    return storage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}

/**
 * Mounts the messenger into the widget's shadow root. It renders closed and touches the network
 * only when `open()` or `connect()` is called. Its strings load in the background (one
 * language), the views the first open does not need when they are needed.
 */
export function mount({ root, baseUrl, appId, options = {}, events = {}, session, storage: hostStorage }: MessengerHost): MessengerController {
  adoptStyles(root, css);
  const document = root.ownerDocument;
  const window = document.defaultView!;
  const container = document.createElement('div');
  root.prepend(container);
  const storage = hostStorage ?? pageStorage();
  const model = createMessengerModel({
    transport: createVisitorTransport({ baseUrl, appId }),
    storage,
    outbox: localStorageOutboxStore(storage, storageKeys(appId).outbox),
    appId,
    events,
    ...(session && { session }),
  });
  const stops: (() => void)[] = [];
  const settings = signal<MessengerOptions>({});
  const i18n = signal<I18n<Key<MessengerStrings>> | null>(null);
  // Files: their code loads once the messenger has opened (or a file is dropped or pasted on it).
  const attachments = createAttachmentsSlot({ root, baseUrl, token: model.token, locale: () => i18n.value?.locale, open: model.open });
  stops.push(attachments.dispose);
  const extras = signal<Extras | null>(null);
  let extrasLoading: Promise<void> | undefined;
  const loadExtras = () =>
    (extrasLoading ??= import('./extras.tsx').then(
      ({ extras: loaded }) => {
        loaded.install(root);
        extras.value = loaded;
      },
      () => void (extrasLoading = undefined),
    ));

  function update(next: MessengerOptions): void {
    const before = settings.value;
    settings.value = { ...before, ...next };
    if (next.color) (root.host as HTMLElement).style.setProperty('--parley-accent', next.color);
    if (!i18n.value || next.locale !== undefined || next.dir !== undefined) {
      const { locale, dir } = settings.value;
      void loadI18n(STRINGS, { locale, dir }).then((loaded) => (i18n.value = loaded));
    }
  }
  update(options);

  // Fullscreen on narrow screens: the page behind does not scroll, the panel follows the on-screen keyboard.
  const narrow = window.matchMedia?.(NARROW);
  const fullscreen = signal(!!narrow?.matches);
  const onNarrow = (event: MediaQueryListEvent) => (fullscreen.value = event.matches);
  narrow?.addEventListener?.('change', onNarrow);
  stops.push(() => narrow?.removeEventListener?.('change', onNarrow));

  // "Send a request": the web form over the panel, loaded when asked for, with the same session.
  const openRequest =
    session &&
    (() =>
      void import('../webform/in-messenger.ts').then(({ openWebFormOverPanel }) => {
        const panel = container.querySelector<HTMLElement>('.panel');
        if (!panel) return;
        const { locale, dir } = settings.value;
        openWebFormOverPanel({
          panel,
          baseUrl,
          appId,
          session,
          ...(locale && { locale }),
          ...(dir && { dir }),
          onClose: () => panel.querySelector<HTMLElement>('.request')?.focus(),
        });
      }));

  const App = reactive(() => {
    const strings = i18n.value;
    const locked = model.open.value && fullscreen.value && !!strings;
    const { size, position } = settings.value;
    return (
      <>
        {strings && <Messenger model={model} t={strings.t} lang={strings.locale} dir={strings.dir} size={size} position={position} extras={extras.value} onRequest={openRequest} files={attachments.loaded.value} />}
        <AfterRender
          deps={[locked]}
          run={() => {
            if (!locked) return;
            // The layout code loads the first time the messenger goes fullscreen.
            let undo: (() => void) | undefined;
            let unlocked = false;
            void import('./layout.ts').then(({ fitVisualViewport, lockScroll }) => {
              const panel = container.querySelector<HTMLElement>('.panel');
              if (unlocked || !panel) return;
              const unlock = lockScroll(document);
              const unfit = fitVisualViewport(window, panel);
              undo = () => {
                unfit();
                unlock();
              };
            });
            return () => {
              unlocked = true;
              undo?.();
            };
          }}
        />
      </>
    );
  });
  render(<App />, container);

  // The list, the pre-chat form and "leave your e-mail" arrive when one of them is needed, or once the messenger has opened.
  stops.push(effect(() => {
    if (model.view.value === 'list' || model.needsPreChat.value || model.asksEmail.value) void loadExtras();
    else if (model.open.value) (window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 1500)))(() => void loadExtras());
  }));


  const visible = () => (model.pageVisible.value = document.visibilityState !== 'hidden');
  document.addEventListener('visibilitychange', visible);
  stops.push(() => document.removeEventListener('visibilitychange', visible));

  return {
    open: () => model.setOpen(true),
    close: () => model.setOpen(false),
    connect: () => void model.start(),
    newConversation: (text) => model.newConversation(text),
    showConversation: (id) => model.showConversation(id),
    update,
    destroy() {
      model.setOpen(false);
      stops.splice(0).forEach((stop) => stop());
      model.dispose();
      render(null, container);
      container.remove();
    },
  };
}
