import { SUPPORTED_VERSIONS } from '@parley/protocol';
import type { FrameChecks, MessageSendFrame } from './checks.ts';
import type { OutboxEntry, OutboxStore } from './store.ts';

export { localStorageOutboxStore, type OutboxEntry, type OutboxStore } from './store.ts';

/** An outbox that lives as long as the page: enough when nothing must survive a reload. (Not in `store.ts`: a page that keeps its outbox in storage never loads it.) */
export function memoryOutboxStore(): OutboxStore {
  let entries: OutboxEntry[] = [];
  return {
    load: () => entries.map((e) => ({ ...e })),
    save: (next) => {
      entries = next.map((e) => ({ ...e }));
    },
  };
}

/** The `message.send` frame that delivers an entry. */
export function toSendFrame(entry: OutboxEntry, ref?: string): MessageSendFrame {
  return {
    type: 'message.send',
    ...(ref !== undefined && { ref }),
    ...(entry.conversationId !== undefined && { conversationId: entry.conversationId }),
    ...(entry.clientConversationId !== undefined && { clientConversationId: entry.clientConversationId }),
    clientMessageId: entry.clientMessageId,
    body: entry.body,
    ...(entry.internal !== undefined && { internal: entry.internal }),
    // Stored data or a caller's input may hold anything here: only an array is copied. Anything else
    // goes as it is, for the checks to refuse (a spread would throw, or make file ids of a string's letters).
    ...(entry.attachments !== undefined && { attachments: Array.isArray(entry.attachments) ? [...entry.attachments] : entry.attachments }),
  };
}

/** The entry `value` describes, copied field by field; `undefined` when its shape or version is unknown or `checks` refuse its frame. */
export function readEntry(value: unknown, checks: Pick<FrameChecks, 'messageSend'>): OutboxEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Partial<Record<keyof OutboxEntry, unknown>>;
  // Entries written by the previous protocol version are still sent: the gateway accepts it.
  if (typeof e.v !== 'number' || !SUPPORTED_VERSIONS.includes(e.v) || typeof e.createdAt !== 'number' || !Number.isFinite(e.createdAt)) return undefined;
  const frame = toSendFrame(e as OutboxEntry);
  if (checks.messageSend(frame) !== undefined) return undefined;
  const { type: _type, ref: _ref, ...fields } = frame;
  return { v: e.v, ...fields, createdAt: e.createdAt };
}
