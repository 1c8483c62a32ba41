import { render } from 'preact';
import { adoptStyles } from '../shared/adopt-styles.ts';
import { loadI18n, type Catalog } from '../shared/i18n.ts';
import type { SurfaceController, SurfaceHost } from '../shared/messenger-contract.ts';
import en, { type WebFormStrings } from './strings/en.ts';
import { createTicketsApi } from './tickets-api.ts';
import { WebForm } from './WebForm.tsx';
import { createWebFormModel } from './WebFormModel.ts';
import css from './webform.css?inline';

/** English inline; the other languages load only when shown. */
const catalog: Catalog<WebFormStrings> = {
  en,
  nl: () => import('./strings/nl.ts'),
  tr: () => import('./strings/tr.ts'),
  it: () => import('./strings/it.ts'),
};

/**
 * Mounts the web form into the host's shadow root (`Parley('mount', { surface: 'webform', element })`).
 * Nothing touches the network until the visitor sends the form: only then is the session made.
 */
export function mount(host: SurfaceHost): SurfaceController {
  return mountWebForm(host);
}

/** Mounts the web form; `onBack` shows it over the messenger with a way back to the chat. */
export function mountWebForm(host: SurfaceHost, { onBack }: { onBack?: () => void } = {}): SurfaceController {
  adoptStyles(host.root, css);
  const container = host.root.ownerDocument.createElement('div');
  host.root.append(container);
  const model = createWebFormModel({ api: createTicketsApi({ baseUrl: host.baseUrl, session: host.session }) });
  let mounted = true;
  void loadI18n(catalog, { locale: host.locale, dir: host.dir }).then((i18n) => {
    if (!mounted) return;
    container.lang = i18n.locale;
    container.dir = i18n.dir;
    render(<WebForm model={model} i18n={i18n} onBack={onBack} />, container);
  });
  return {
    unmount() {
      mounted = false;
      render(null, container);
      container.remove();
    },
  };
}
