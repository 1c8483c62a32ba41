/** The src of the script that loaded the widget: `currentScript`, else a script ending in /widget.js. */
export function findWidgetScriptSrc(document: Document, current: Element | null): string | undefined {
  // An SVG <script> has no `src`: then the search below.
  return (current as HTMLScriptElement | null)?.src || [...document.scripts].find((script) => /\/widget\.js([?#]|$)/.test(script.src))?.src;
}

/** The gateway's base URL (its origin) from the loader's own src; it serves the API, the sockets and the chunks. */
export function baseUrlOf(src: string): string {
  return new URL(src).origin;
}
