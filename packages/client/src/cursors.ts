import type { Message } from '@parley/protocol';

/** What to do after a message arrives: the messages now deliverable, in order, and whether to resume. */
export interface Received {
  deliver: Message[];
  /** Set when a gap was found and no resume is in flight: ask for every message after this seq. */
  resumeFrom?: number;
}

/**
 * Per-conversation cursors (last seq seen) with in-order delivery: a message past a gap waits
 * until the resume fills the gap or is answered without filling it.
 */
export interface CursorTracker {
  /** The last seq delivered for the conversation. */
  get(conversationId: string): number | undefined;
  /** Sets the cursor (e.g. after fetching history); buffered messages at or below it are dropped. */
  set(conversationId: string, seq: number): void;
  /** Forgets the conversation's cursor, buffer and in-flight resume (after `conversation.reset`). */
  drop(conversationId: string): void;
  /** Every known cursor, for the resume frame sent after hello. */
  list(): { conversationId: string; seq: number }[];
  /** Feeds a live or replayed `message.created`. */
  receive(message: Message): Received;
  /** Feeds an ack: it advances the cursor when it is the next seq (an unknown cursor counts as 0). */
  ack(conversationId: string, seq: number, messageId: string): Message[];
  /** Marks resumes as in flight so further gaps in these conversations do not ask again. */
  resuming(conversationIds: string[]): void;
  /** A resume was answered: clears in-flight and delivers whatever is still buffered, accepting the gap. */
  resumed(conversationIds: string[]): Message[];
  /** The socket closed: in-flight resumes and buffers are void (the next resume replays them). */
  disconnected(): void;
}

/** How many acked-but-not-yet-echoed message ids are remembered. */
const MAX_ECHOES = 1000;

/** Creates an empty cursor tracker. */
export function createCursorTracker(): CursorTracker {
  const cursors = new Map<string, number>();
  const buffers = new Map<string, Map<number, Message>>();
  const inFlight = new Set<string>();
  // Ids of messages whose cursor an ack advanced: their own message.created is still delivered once.
  const echoes = new Set<string>();

  const take = (m: Message): Message => {
    cursors.set(m.conversationId, m.seq);
    echoes.delete(m.id);
    return m;
  };
  const drain = (conversationId: string): Message[] => {
    const buffer = buffers.get(conversationId);
    const out: Message[] = [];
    if (!buffer) return out;
    for (let next = buffer.get(cursors.get(conversationId)! + 1); next; next = buffer.get(next.seq + 1)) {
      buffer.delete(next.seq);
      out.push(take(next));
    }
    const cursor = cursors.get(conversationId)!;
    for (const seq of buffer.keys()) if (seq <= cursor) buffer.delete(seq);
    if (buffer.size === 0) buffers.delete(conversationId);
    return out;
  };

  return {
    get: (id) => cursors.get(id),
    set(id, seq) {
      cursors.set(id, seq);
      for (const buffered of buffers.get(id)?.keys() ?? []) if (buffered <= seq) buffers.get(id)!.delete(buffered);
    },
    drop(id) {
      cursors.delete(id);
      buffers.delete(id);
      inFlight.delete(id);
    },
    list: () => [...cursors].map(([conversationId, seq]) => ({ conversationId, seq })),
    receive(m) {
      const cursor = cursors.get(m.conversationId);
      if (cursor === undefined || m.seq === cursor + 1) return { deliver: [take(m), ...drain(m.conversationId)] };
      if (m.seq <= cursor) return { deliver: echoes.delete(m.id) ? [m] : [] };
      const buffer = buffers.get(m.conversationId) ?? new Map<number, Message>();
      buffers.set(m.conversationId, buffer.set(m.seq, m));
      if (inFlight.has(m.conversationId)) return { deliver: [] };
      inFlight.add(m.conversationId);
      return { deliver: [], resumeFrom: cursor };
    },
    ack(id, seq, messageId) {
      if (seq !== (cursors.get(id) ?? 0) + 1) return [];
      cursors.set(id, seq);
      echoes.add(messageId);
      if (echoes.size > MAX_ECHOES) echoes.delete(echoes.values().next().value!);
      return drain(id);
    },
    resuming(ids) {
      for (const id of ids) inFlight.add(id);
    },
    resumed(ids) {
      const out: Message[] = [];
      for (const id of ids) {
        inFlight.delete(id);
        const buffer = buffers.get(id);
        buffers.delete(id);
        for (const m of [...(buffer?.values() ?? [])].sort((a, b) => a.seq - b.seq)) {
          if (m.seq > (cursors.get(id) ?? -1)) out.push(take(m));
        }
      }
      return out;
    },
    disconnected() {
      inFlight.clear();
      buffers.clear();
    },
  };
}
