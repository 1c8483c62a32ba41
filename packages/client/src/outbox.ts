import { MessageSendSchema, SUPPORTED_VERSIONS, type ClientFrame } from '@parley/protocol';
import { validate } from './validate.ts';

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

/** The `message.send` frame that delivers an entry. */
export function toSendFrame(entry: OutboxEntry, ref?: string): Extract<ClientFrame, { type: 'message.send' }> {
  return {
    type: 'message.send',
    ...(ref !== undefined && { ref }),
    ...(entry.conversationId !== undefined && { conversationId: entry.conversationId }),
    ...(entry.clientConversationId !== undefined && { clientConversationId: entry.clientConversationId }),
    clientMessageId: entry.clientMessageId,
    body: entry.body,
    ...(entry.internal !== undefined && { internal: entry.internal }),
    ...(entry.attachments !== undefined && { attachments: [...entry.attachments] }),
  };
}

/** The entry `value` describes, copied field by field; `undefined` when its shape or version is unknown. */
export function readEntry(value: unknown): OutboxEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Partial<Record<keyof OutboxEntry, unknown>>;
  // Entries written by the previous protocol version are still sent: the gateway accepts it.
  if (typeof e.v !== 'number' || !SUPPORTED_VERSIONS.includes(e.v) || typeof e.createdAt !== 'number' || !Number.isFinite(e.createdAt)) return undefined;
  const result = validate(MessageSendSchema, toSendFrame(e as OutboxEntry));
  if (!result.ok) return undefined;
  const { type: _type, ref: _ref, ...fields } = result.value;
  return { v: e.v, ...fields, createdAt: e.createdAt };
}

/** An outbox that lives as long as the page: enough when nothing must survive a reload. */
export function memoryOutboxStore(): OutboxStore {
  let entries: OutboxEntry[] = [];
  return {
    load: () => entries.map((e) => ({ ...e })),
    save: (next) => {
      entries = next.map((e) => ({ ...e }));
    },
  };
}

/** An outbox kept as JSON under `key`; never throws: corrupt data loads as empty, failed writes are skipped. */
export function localStorageOutboxStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, key: string): OutboxStore {
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        if (!Array.isArray(parsed)) return [];
        return parsed.map(readEntry).filter((e): e is OutboxEntry => e !== undefined);
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
