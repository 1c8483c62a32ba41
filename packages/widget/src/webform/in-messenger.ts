import { adoptStyles } from '../shared/adopt-styles.ts';
import type { SurfaceController, SurfaceHost } from '../shared/messenger-contract.ts';
import { mountWebForm } from './index.tsx';

/** What the messenger hands over to show the web form over its panel. */
export interface WebFormOverPanel extends Omit<SurfaceHost, 'root'> {
  /** The messenger's panel element; the form covers it until the visitor goes back. */
  panel: HTMLElement;
  /** Called once the form is closed (to move focus back into the messenger). */
  onClose?: () => void;
}

// The overlay's own box: it covers the panel (which clips its children), and scrolls on its own.
const OVERLAY = ':host{position:absolute;inset:0;z-index:3;display:block;overflow-y:auto;overscroll-behavior:contain;background:#fff}.pf{max-width:none;min-height:100%;border:0;border-radius:0}';

/**
 * Opens the web form over the messenger's panel (MISSION V5: the surfaces work together): a
 * "Back to the chat" button and Escape close it. The form lives in its own shadow root inside
 * the panel, so the two stylesheets never meet. Returns the function that closes it.
 */
export function openWebFormOverPanel({ panel, onClose, ...host }: WebFormOverPanel): () => void {
  const overlay = panel.ownerDocument.createElement('div');
  overlay.setAttribute('part', 'webform');
  panel.append(overlay);
  const root = overlay.attachShadow({ mode: 'open' });
  let surface: SurfaceController | undefined;
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };
  function close(): void {
    if (!surface) return;
    surface.unmount();
    surface = undefined;
    overlay.removeEventListener('keydown', onKey);
    overlay.remove();
    onClose?.();
  }
  overlay.addEventListener('keydown', onKey);
  surface = mountWebForm({ ...host, root }, { onBack: close });
  adoptStyles(root, OVERLAY);
  return close;
}

/**
 * "Send a request" in the messenger: the web form over the messenger's panel (`.panel` in
 * `container`), in the messenger's language and direction; closing it puts focus back on the
 * button that opened it.
 */
export function openOverMessenger(container: HTMLElement, { locale, dir, ...host }: Omit<SurfaceHost, 'root' | 'locale' | 'dir'> & { locale?: string | undefined; dir?: string | undefined }): void {
  const panel = container.querySelector<HTMLElement>('.panel');
  if (!panel) return;
  openWebFormOverPanel({
    ...host,
    panel,
    ...(locale && { locale }),
    ...((dir === 'ltr' || dir === 'rtl') && { dir }),
    onClose: () => panel.querySelector<HTMLElement>('.request')?.focus(),
  });
}
