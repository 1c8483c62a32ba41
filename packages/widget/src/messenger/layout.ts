/** Phones and narrow windows get the messenger fullscreen (matches messenger.css). */
export const NARROW = '(max-width: 639.98px)';

/**
 * Keeps the page behind the fullscreen messenger from scrolling, and undoes it exactly: the
 * `style` attributes of `<html>` and `<body>` come back as they were (absent if they were) and
 * so does the scroll position. (`overflow: hidden` alone does not stop iOS Safari; a fixed body does.)
 */
export function lockScroll(document: Document): () => void {
  const { documentElement: html, body } = document;
  const window = document.defaultView!;
  const saved = [html, body].map((el) => el.getAttribute('style'));
  const [x, y] = [window.scrollX, window.scrollY];
  html.style.overflow = body.style.overflow = 'hidden';
  body.style.position = 'fixed';
  body.style.top = `${-y}px`;
  body.style.width = '100%';
  return () => {
    [html, body].forEach((el, i) => (saved[i] === null ? el.removeAttribute('style') : el.setAttribute('style', saved[i]!)));
    window.scrollTo(x, y);
  };
}

/**
 * Sizes the fullscreen panel to the visual viewport, so the text box stays above a phone's
 * on-screen keyboard (which shrinks the visual viewport, not the layout viewport).
 */
export function fitVisualViewport(window: Window, panel: HTMLElement): () => void {
  const viewport = window.visualViewport;
  if (!viewport) return () => {};
  const fit = () => {
    panel.style.setProperty('--parley-vh', `${viewport.height}px`);
    panel.style.setProperty('--parley-top', `${viewport.offsetTop}px`);
  };
  fit();
  viewport.addEventListener('resize', fit);
  viewport.addEventListener('scroll', fit);
  return () => {
    viewport.removeEventListener('resize', fit);
    viewport.removeEventListener('scroll', fit);
    panel.style.removeProperty('--parley-vh');
    panel.style.removeProperty('--parley-top');
  };
}
