/**
 * What the client learns of the device's network. Only "offline" is certain: a browser is
 * `onLine` unless it knows a request would fail, so online may still not reach the gateway (HTML
 * Standard, "Browser state": `navigator.onLine`).
 */
export interface Network {
  /** False when the device has no network at all. */
  isOnline(): boolean;
  /** Calls `listener` at every change (true when back online) until the returned function is called. */
  watch(listener: (online: boolean) => void): () => void;
}

/** The part of a browser's `window` that `browserNetwork` reads. */
type NetworkWindow = Pick<Window, 'addEventListener' | 'removeEventListener'> & { navigator?: { onLine?: boolean } };

/**
 * The browser's network: `navigator.onLine` and the `online` / `offline` events of `window`;
 * `undefined` where there is no `window` (Node), so the client just reconnects with backoff there.
 */
export function browserNetwork(): Network | undefined {
  const win = (globalThis as { window?: NetworkWindow }).window;
  if (typeof win?.addEventListener !== 'function') return undefined;
  return {
    isOnline: () => win.navigator?.onLine !== false,
    watch(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      win.addEventListener('online', online);
      win.addEventListener('offline', offline);
      return () => {
        win.removeEventListener('online', online);
        win.removeEventListener('offline', offline);
      };
    },
  };
}
