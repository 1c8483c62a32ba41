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
    // An observable array where constructed sheets are supported (a frozen one in Chrome before 99, which then gets the `<style>`).
    root.adoptedStyleSheets.push(sheet);
  } catch {
    root.prepend(Object.assign(root.ownerDocument.createElement('style'), { textContent: css }));
  }
}
