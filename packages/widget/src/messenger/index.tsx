import { localStorageOutboxStore } from '@parley/client/outbox';
import { effect, signal } from '@preact/signals-core';
import { render } from 'preact';
import { adoptStyles } from '../shared/adopt-styles.ts';
import { loadI18n, type Catalog, type I18n } from '../shared/i18n.ts';
import type { MessengerController, MessengerHost, MessengerOptions } from '../shared/messenger-contract.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import type { Extras } from './extras.tsx';
import type { AttachmentsModule } from './attachments/files.tsx';
import { Messenger } from './Messenger.tsx';
import { createMessengerModel, type MessengerKey } from './MessengerModel.ts';
import css from './messenger.css?inline';
import type { MessengerStrings } from './strings/en.ts';
import { createVisitorTransport } from './transport.ts';
import { AfterRender, reactive } from '../shared/reactive.ts';

/** Phones and narrow windows get the messenger fullscreen (matches messenger.css). */
const NARROW = '(max-width: 639.98px)';

/**
 * Every language's strings, loaded one at a time: the first open fetches only the one it shows,
 * and only what the first open shows (the views that load later bring their own: `extras.tsx`).
 */
const STRINGS: Catalog<MessengerStrings> = {
  en: () => import('./strings/en.ts'),
  nl: () => import('./strings/nl.ts'),
  tr: () => import('./strings/tr.ts'),
  it: () => import('./strings/it.ts'),
};

/**
 * Mounts the messenger into the widget's shadow root. It renders closed and touches the network
 * only when `open()` or `connect()` is called. Its strings load in the background (one
 * language), the views the first open does not need when they are needed, and the files once it
 * has opened.
 */
export function mount({ root, baseUrl, appId, options = {}, events = {}, session, request, storage }: MessengerHost): MessengerController {
  adoptStyles(root, css);
  const document = root.ownerDocument;
  const window = document.defaultView!;
  const container = document.createElement('div');
  root.prepend(container);
  const model = createMessengerModel({
    transport: createVisitorTransport({ baseUrl, request }),
    storage,
    outbox: localStorageOutboxStore(storage, storageKeys(appId).outbox),
    appId,
    events,
    session,
  });
  let alive = true;
  const stops: (() => void)[] = [() => (alive = false)];
  const settings = signal<MessengerOptions>({});
  const i18n = signal<I18n<MessengerKey> | null>(null);
  const extras = signal<Extras | null>(null);
  // The views that load later, once their module is here: their strings come with every later load.
  let more: Extras | undefined;
  // The latest strings asked for win (the language may change while some load).
  let asked = 0;
  /** Loads the strings in the chosen language (with the later views' once their module is here); shows those views with them. */
  function loadStrings(): Promise<void> {
    const ask = ++asked;
    const withExtras = more;
    const { locale, dir } = settings.peek();
    return loadI18n<Record<string, string>>(withExtras?.strings ?? STRINGS, { locale, dir }).then((loaded) => {
      if (ask !== asked) return;
      i18n.value = loaded;
      extras.value = withExtras ?? null;
    });
  }
  let extrasLoading: Promise<void> | undefined;
  const loadExtras = () =>
    (extrasLoading ??= import('./extras.tsx').then(
      ({ extras: loaded }) => {
        loaded.install(root);
        more = loaded;
        return loadStrings();
      },
      () => void (extrasLoading = undefined),
    ));

  function update(next: MessengerOptions): void {
    settings.value = { ...settings.peek(), ...next };
    if (next.color) (root.host as HTMLElement).style.setProperty('--parley-accent', next.color);
    if (!i18n.peek() || next.locale !== undefined || next.dir !== undefined) void loadStrings();
  }
  update(options);

  // Files (attach, drop, paste, upload, thumbnails): their code loads once the messenger has opened.
  const files = signal<AttachmentsModule | null>(null);
  let filesLoading: Promise<void> | undefined;
  stops.push(
    effect(() => {
      if (!model.open.value) return;
      filesLoading ??= import('./attachments/files.tsx').then(
        ({ createAttachments }) => void (alive && (files.value = createAttachments({ root, baseUrl, token: model.token, locale: () => i18n.value?.locale }))),
        () => void (filesLoading = undefined),
      );
    }),
    () => files.peek()?.dispose(),
  );

  // Fullscreen on narrow screens: the page behind does not scroll, the panel follows the on-screen keyboard.
  const narrow = window.matchMedia?.(NARROW);
  const fullscreen = signal(!!narrow?.matches);
  const onNarrow = (event: MediaQueryListEvent) => (fullscreen.value = event.matches);
  narrow?.addEventListener?.('change', onNarrow);
  stops.push(() => narrow?.removeEventListener?.('change', onNarrow));

  // "Send a request": the web form over the panel, loaded when asked for, with the same session.
  const openRequest = () => void import('../webform/in-messenger.ts').then((webform) => webform.openOverMessenger(container, { baseUrl, appId, session, ...settings.peek() }));

  const App = reactive(() => {
    const strings = i18n.value;
    const locked = model.open.value && fullscreen.value && !!strings;
    const { size, position } = settings.value;
    return (
      <>
        {strings && <Messenger model={model} t={strings.t} lang={strings.locale} dir={strings.dir} size={size} position={position} extras={extras.value} onRequest={openRequest} files={files.value} />}
        <AfterRender
          deps={[locked]}
          run={() => {
            if (!locked) return;
            // The layout code loads the first time the messenger goes fullscreen.
            let undo: (() => void) | undefined;
            let unlocked = false;
            void import('./layout.ts').then((layout) => void (unlocked || (undo = layout.fullscreen(container))));
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

  // The way back to the list and the list, the pre-chat form, "leave your e-mail" and ending a
  // chat arrive when one of them is needed (the open messenger of a visitor with conversations
  // shows the way back), or once the messenger has opened and the page is idle.
  stops.push(
    effect(() => {
      const open = model.open.value;
      if (model.view.value === 'list' || model.needsPreChat.value || model.asksEmail.value || (open && (model.confirmingEnd.value || model.ended.value || model.conversations.value.length > 0))) void loadExtras();
      else if (open) (window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 1500)))(() => void loadExtras());
    }),
  );

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
