import { render } from 'preact';
import { adoptStyles } from '../shared/adopt-styles.ts';
import { loadI18n, type Catalog } from '../shared/i18n.ts';
import type { SurfaceController, SurfaceHost } from '../shared/messenger-contract.ts';
import { createTicketsApi, onTicketsChanged } from '../webform/tickets-api.ts';
import { Portal } from './Portal.tsx';
import { createPortalModel } from './PortalModel.ts';
import css from './portal.css?inline';
import en, { type PortalStrings } from './strings/en.ts';

/** English inline; the other languages load only when shown. */
const catalog: Catalog<PortalStrings> = {
  en,
  nl: () => import('./strings/nl.ts'),
  tr: () => import('./strings/tr.ts'),
  it: () => import('./strings/it.ts'),
};

/** How often the portal looks for new replies while the page is visible. */
const REFRESH_MS = 15_000;

/**
 * Mounts the portal into the host's shadow root (`Parley('mount', { surface: 'portal', element })`):
 * the visitor's own requests and chats. It reads them with the visitor's session at once, again
 * every 15 seconds while the page is visible (so the team's replies show up), whenever a web
 * form on the same page sends a request, and whenever the messenger on the page hears that a
 * chat started, ended or was reopened.
 */
export function mount(host: SurfaceHost): SurfaceController {
  adoptStyles(host.root, css);
  const document = host.root.ownerDocument;
  const container = document.createElement('div');
  host.root.append(container);
  const model = createPortalModel({ api: createTicketsApi({ baseUrl: host.baseUrl, session: host.session }) });
  let mounted = true;
  void model.load();
  // A web form on the same page just made a ticket: show it.
  const stopListening = onTicketsChanged(() => void model.refresh());
  // The messenger heard a chat change (the visitor ended it, a new message reopened it…): show it.
  const stopHearing = host.onConversationUpdated?.((conversation) => model.conversationUpdated(conversation));
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void model.refresh();
  }, REFRESH_MS);
  void loadI18n(catalog, { locale: host.locale, dir: host.dir }).then((i18n) => {
    if (!mounted) return;
    container.lang = i18n.locale;
    container.dir = i18n.dir;
    render(<Portal model={model} i18n={i18n} showConversation={host.showConversation} />, container);
  });
  return {
    unmount() {
      mounted = false;
      clearInterval(timer);
      stopListening();
      stopHearing?.();
      render(null, container);
      container.remove();
    },
  };
}
