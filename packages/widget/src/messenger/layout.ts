// The fullscreen messenger's layout on phones and narrow windows, loaded when the messenger first
// goes fullscreen (the media query is in index.tsx and messenger.css).

/** The inline styles `lockScroll` sets, per element. */
const LOCKED: [element: 'html' | 'body', property: string, value: (y: number) => string][] = [
  ['html', 'overflow', () => 'hidden'],
  ['body', 'overflow', () => 'hidden'],
  ['body', 'position', () => 'fixed'],
  ['body', 'top', (y) => `${-y}px`],
  ['body', 'width', () => '100%'],
];

/**
 * Keeps the page behind the fullscreen messenger from scrolling, and undoes it exactly: each
 * inline style it set on `<html>` and `<body>` comes back as it was (a `style` attribute that was
 * absent is removed again), and so does the scroll position. (`overflow: hidden` alone does not
 * stop iOS Safari; a fixed body does.) Only CSSOM calls, never a `style` attribute written as
 * text, which a Content-Security-Policy without 'unsafe-inline' in `style-src` would block.
 */
export function lockScroll(document: Document): () => void {
  const { documentElement: html, body } = document;
  const elements = { html, body };
  const window = document.defaultView!;
  const [x, y] = [window.scrollX, window.scrollY];
  const hadStyle = [html, body].map((el) => el.hasAttribute('style'));
  const saved = LOCKED.map(([el, property]) => [elements[el].style.getPropertyValue(property), elements[el].style.getPropertyPriority(property)] as const);
  for (const [el, property, value] of LOCKED) elements[el].style.setProperty(property, value(y));
  return () => {
    LOCKED.forEach(([el, property], i) => {
      const [value, priority] = saved[i]!;
      if (value) elements[el].style.setProperty(property, value, priority);
      else elements[el].style.removeProperty(property);
    });
    [html, body].forEach((el, i) => !hadStyle[i] && !el.style.length && el.removeAttribute('style'));
    window.scrollTo(x, y);
  };
}

/**
 * The messenger's fullscreen layout: the page behind stops scrolling and the panel (`.panel` in
 * `container`) follows the visual viewport. Answers the function that undoes both.
 */
export function fullscreen(container: HTMLElement): () => void {
  const document = container.ownerDocument;
  const panel = container.querySelector<HTMLElement>('.panel');
  if (!panel) return () => {};
  const unlock = lockScroll(document);
  const unfit = fitVisualViewport(document.defaultView!, panel);
  return () => {
    unfit();
    unlock();
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
