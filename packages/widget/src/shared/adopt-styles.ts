/**
 * Adds a stylesheet to a shadow root. A constructed sheet (`adoptedStyleSheets`) is not subject
 * to the host page's `style-src` CSP, so it works on strict-CSP pages; browsers without
 * constructable stylesheets get a `<style>` element
 * instead.
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    // Assigned, not pushed: Chrome 73–98 has a frozen array here, and a `<style>` would break under a strict CSP.
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    root.prepend(Object.assign(root.ownerDocument.createElement('style'), { textContent: css }));
  }
}
