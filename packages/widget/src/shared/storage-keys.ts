/**
 * Every localStorage key the widget writes, namespaced by app so two Parley apps on one site
 * never share a visitor. Nothing outside this allowlist is ever persisted (STYLE.md).
 */
export const storageKeys = (appId: string) => ({
  /** The visitor session token issued by `POST /api/visitor/sessions`. */
  session: `parley:${appId}:session`,
  /** The current conversation: `{ id?, clientConversationId? }` as JSON. */
  conversation: `parley:${appId}:conversation`,
  /** Messages not yet acknowledged, kept by `@parley/client`'s localStorage outbox. */
  outbox: `parley:${appId}:outbox`,
});

/** The keys of one app. */
export type StorageKeys = ReturnType<typeof storageKeys>;
