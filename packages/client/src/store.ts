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

/** Where the outbox lives between page loads; `save` gets the whole outbox every time. */
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
 */
export function localStorageOutboxStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, key: string): OutboxStore {
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
      } catch {
        return [];
      }
    },
    save(entries) {
      try {
        if (entries.length === 0) storage.removeItem(key);
        else storage.setItem(key, JSON.stringify(entries));
      } catch {
        // Quota exceeded or storage disabled: the entries stay in memory and are still sent.
      }
    },
  };
}
