import { effect, type ReadonlySignal } from '@preact/signals';

const PREFIX = '#/conversations/';

/** The conversation id a location hash names, e.g. `#/conversations/<id>`. */
export function conversationFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  const id = decodeURIComponent(hash.slice(PREFIX.length));
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/** The location hash for a conversation, or none. */
export function hashForConversation(conversationId: string | null): string {
  return conversationId ? `${PREFIX}${conversationId}` : '';
}

/**
 * Keeps the open conversation and the address bar in step: back, forward and reload reopen
 * the conversation in the hash. Returns the function that stops it.
 */
export function syncHash(
  win: Pick<Window, 'addEventListener' | 'removeEventListener' | 'location' | 'history'>,
  opened: ReadonlySignal<string | null>,
  open: (conversationId: string | null) => void,
): () => void {
  const onHashChange = () => open(conversationFromHash(win.location.hash));
  win.addEventListener('hashchange', onHashChange);
  onHashChange();
  const stop = effect(() => {
    const hash = hashForConversation(opened.value);
    if (hash !== win.location.hash && (hash || win.location.hash)) {
      win.history.pushState(null, '', hash || win.location.pathname + win.location.search);
    }
  });
  return () => {
    stop();
    win.removeEventListener('hashchange', onHashChange);
  };
}
