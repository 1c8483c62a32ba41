import type { Message } from '@parley/protocol';

/** What to do after a message arrives: the messages now deliverable, in order, and whether to resume. */
export interface Received {
  deliver: Message[];
  /** Set when a gap was found and no resume is in flight: ask for every message after this seq. */
  resumeFrom?: number;
}

/** What to do after a resume was answered: the messages now deliverable, and what is still missing. */
export interface Resumed {
  deliver: Message[];
  /** Gaps the answer left (newer messages overtook a lost one, or came after the server read): resume these again. */
  resume: { conversationId: string; seq: number }[];
  /** Gaps two answers in a row did not narrow: these conversations' cursors are dropped; read their history again. */
  reset: string[];
}

/**
 * Per-conversation cursors (last seq seen) with in-order delivery: a message past a gap waits
 * until a resume fills the gap. Never skips a message: a gap that resumes cannot fill is a reset.
 */
export interface CursorTracker {
  /** The last seq delivered for the conversation. */
  get(conversationId: string): number | undefined;
  /** Sets the cursor (e.g. after fetching history); buffered messages at or below it are dropped. */
  set(conversationId: string, seq: number): void;
  /** Forgets the conversation's cursor, buffer and in-flight resume (after `conversation.reset`). */
  drop(conversationId: string): void;
  /** Every known cursor, for the resume frame sent after hello; before the oldest echo still owed, if any. */
  list(): { conversationId: string; seq: number }[];
  /** Feeds a live or replayed `message.created`. */
  receive(message: Message): Received;
  /**
   * Feeds an ack: it advances the cursor when it is the next seq (an unknown cursor counts as 0).
   * The acked message is still delivered once, when its echo (its `message.created`) comes, and
   * what follows it waits for that: delivery stays in seq order.
   */
  ack(conversationId: string, seq: number, messageId: string): void;
  /** Marks resumes as in flight (unless they already are) so further gaps in these conversations do not ask again. */
  resuming(conversationIds: string[]): void;
  /**
   * A resume was answered (`resume.done`): clears in-flight and delivers what now follows the
   * cursor. A gap still open asks for another resume (the server answered with what it had when
   * it read, and newer messages came live past one still on its way), unless this answer and
   * the one before both left the cursor where it was: then the server cannot serve it, and the
   * conversation is reset.
   */
  resumed(conversationIds: string[]): Resumed;
  /** The socket closed: in-flight resumes and buffers are void (the next resume replays them). */
  disconnected(): void;
}

/** How many acked-but-not-yet-echoed message ids are remembered. */
const MAX_ECHOES = 1000;

/** Creates an empty cursor tracker. */
export function createCursorTracker(): CursorTracker {
  const cursors = new Map<string, number>();
  const buffers = new Map<string, Map<number, Message>>();
  // Conversations with a resume in flight: their cursor when it was asked for, and whether it asks
  // again after an answer that left the cursor where it was.
  const inFlight = new Map<string, { asked: number; again: boolean }>();
  // Messages whose cursor an ack advanced, by id: their own message.created (the echo) is still
  // delivered once, in seq order; `message` holds an echo that came while an older one is owed.
  const echoes = new Map<string, { conversationId: string; seq: number; message?: Message }>();

  const take = (m: Message): Message => {
    cursors.set(m.conversationId, m.seq);
    echoes.delete(m.id);
    return m;
  };
  // Whether an echo is still owed in a conversation. Runs for every message; echoes are few
  // (each leaves when it comes), so a walk without allocating beats keeping an index.
  const owes = (conversationId: string): boolean => {
    for (const echo of echoes.values()) if (echo.conversationId === conversationId) return true;
    return false;
  };
  // Where a resume starts: before the oldest echo still owed, so a socket that dropped between an
  // ack and its echo gets the echo in the replay (what follows it is dropped again as seen).
  const resumePoint = (conversationId: string, cursor: number): number => {
    let seq = cursor;
    for (const echo of echoes.values()) if (echo.conversationId === conversationId && echo.seq <= seq) seq = echo.seq - 1;
    return seq;
  };
  // Delivers, in seq order, the echoes that came (up to the first still missing), then, once none
  // is owed, what the buffer holds from the cursor on.
  const drain = (conversationId: string): Message[] => {
    const out: Message[] = [];
    if (owes(conversationId)) {
      const waiting = [...echoes].filter(([, echo]) => echo.conversationId === conversationId).sort(([, a], [, b]) => a.seq - b.seq);
      for (const [messageId, echo] of waiting) {
        if (!echo.message) return out;
        echoes.delete(messageId);
        out.push(echo.message);
      }
    }
    const buffer = buffers.get(conversationId);
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

  function drop(id: string): void {
    cursors.delete(id);
    buffers.delete(id);
    inFlight.delete(id);
    for (const [messageId, echo] of echoes) if (echo.conversationId === id) echoes.delete(messageId);
  }

  return {
    get: (id) => cursors.get(id),
    set(id, seq) {
      cursors.set(id, seq);
      for (const buffered of buffers.get(id)?.keys() ?? []) if (buffered <= seq) buffers.get(id)!.delete(buffered);
    },
    drop,
    list: () => [...cursors].map(([conversationId, cursor]) => ({ conversationId, seq: resumePoint(conversationId, cursor) })),
    receive(m) {
      const id = m.conversationId;
      const cursor = cursors.get(id);
      if (cursor !== undefined && m.seq <= cursor) {
        // An echo (the cursor passed it at its ack) comes out in its turn, and what waited behind it follows.
        const echo = echoes.get(m.id);
        if (!echo || echo.message) return { deliver: [] };
        echo.message = m;
        return { deliver: drain(id) };
      }
      if (cursor === undefined || (m.seq === cursor + 1 && !owes(id))) return { deliver: [take(m), ...drain(id)] };
      const buffer = buffers.get(id) ?? new Map<number, Message>();
      buffers.set(id, buffer.set(m.seq, m));
      // The next one, behind an echo on its way (live after its ack, or in the replay a resume asks for): it waits.
      if (m.seq === cursor + 1 || inFlight.has(id)) return { deliver: [] };
      inFlight.set(id, { asked: cursor, again: false });
      return { deliver: [], resumeFrom: resumePoint(id, cursor) };
    },
    ack(id, seq, messageId) {
      if (seq !== (cursors.get(id) ?? 0) + 1) return;
      cursors.set(id, seq);
      echoes.set(messageId, { conversationId: id, seq });
      if (echoes.size > MAX_ECHOES) echoes.delete(echoes.keys().next().value!);
    },
    resuming(ids) {
      for (const id of ids) if (!inFlight.has(id)) inFlight.set(id, { asked: cursors.get(id) ?? 0, again: false });
    },
    resumed(ids) {
      const out: Resumed = { deliver: [], resume: [], reset: [] };
      for (const id of ids) {
        const flight = inFlight.get(id);
        inFlight.delete(id);
        // Behind an echo still on its way, the buffer waits for it (it comes live, or in the replay after a drop).
        if (owes(id) || !buffers.has(id)) continue;
        out.deliver.push(...drain(id));
        if (!buffers.has(id)) continue;
        const cursor = cursors.get(id)!;
        const stuck = flight !== undefined && cursor === flight.asked;
        if (stuck && flight.again) {
          drop(id);
          out.reset.push(id);
        } else {
          inFlight.set(id, { asked: cursor, again: stuck });
          out.resume.push({ conversationId: id, seq: resumePoint(id, cursor) });
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
