// Where the outbox lives between page loads. A module of its own, without the frame rules of
// `outbox.ts`, so a page can show and keep the outbox before the client's code has loaded.

/** A message waiting for its `message.ack`; `v` is the protocol version that wrote it. */
export interface OutboxEntry {
  v: number;
  clientMessageId: string;
  conversationId?: string;
  clientConversationId?: string;
  body: string;
  internal?: boolean;
  /** Ids of uploaded files the message carries. */
  attachments?: string[];
  createdAt: number;
}

/**
 * Where the outbox lives between page loads; `save` gets the page's whole outbox every time. A
 * store shared by several pages (tabs) keeps the entries the others saved.
 */
export interface OutboxStore {
  load(): OutboxEntry[];
  save(entries: OutboxEntry[]): void;
}

/** Whether a stored value has the shape of an entry: an id, text and a time (the client checks the rest). */
const isEntry = (value: unknown): value is OutboxEntry => {
  const e = value as Partial<OutboxEntry> | null;
  return typeof e?.clientMessageId === 'string' && typeof e.body === 'string' && typeof e.createdAt === 'number';
};

/**
 * An outbox kept as JSON under `key`; never throws: corrupt data loads as empty, values without
 * the shape of an entry are left out, failed writes are skipped. The client checks every entry
 * against its frame rules when it loads them (`readEntry`), and sends only valid ones.
 *
 * Every tab of a site shares the key, so a save never drops what another tab saved: it writes
 * the entries it is given and keeps the stored entries of other tabs, leaving out only the ones
 * this store saved before and is not given now (acknowledged or refused here).
 */
export function localStorageOutboxStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, key: string): OutboxStore {
  // Every id this page has saved: only these are its to remove.
  const mine = new Set<string>();
  const load = (): OutboxEntry[] => {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  };
  return {
    load,
    save(entries) {
      for (const e of entries) mine.add(e.clientMessageId);
      const all = [...load().filter((e) => !mine.has(e.clientMessageId)), ...entries];
      try {
        if (all.length) storage.setItem(key, JSON.stringify(all));
        else storage.removeItem(key);
      } catch {
        // Quota exceeded or storage disabled: the entries stay in memory and are still sent.
      }
    },
  };
}
