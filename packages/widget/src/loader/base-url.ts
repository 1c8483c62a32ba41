/** The src of the script that loaded the widget: `currentScript`, else a script ending in /widget.js. */
export function findWidgetScriptSrc(document: Document, current: Element | null): string | undefined {
  const own = current?.tagName === 'SCRIPT' ? (current as HTMLScriptElement).src : '';
  if (own) return own;
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[src]')) {
    if (/\/widget\.js([?#]|$)/.test(script.src)) return script.src;
  }
  return undefined;
}

/** The gateway's base URL (its origin) from the loader's own src; it serves the API, the sockets and the chunks. */
export function baseUrlOf(src: string): string {
  return new URL(src).origin;
}
