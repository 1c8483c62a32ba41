import type { SQL } from 'drizzle-orm';
import type { CommittedBatch } from '../domain/conversations/message-writer.ts';

/** That a conversation gained the messages `fromSeq`..`toSeq`: the ids a notification carries. */
export interface CommitNotice {
  conversationId: string;
  fromSeq: number;
  toSeq: number;
}

/** What a bus needs of a writing transaction to announce from inside it. */
export interface Executor {
  execute(query: SQL): Promise<unknown>;
}

/**
 * Where the statement that writes messages announces them to the other nodes: a NOTIFY channel
 * and this node's id. A notification carries `node|conversation id|first seq|last seq`.
 */
export interface NotifyChannel {
  name: string;
  node: string;
}

/**
 * Carries committed messages to every gateway node's sockets. The database is the source of
 * truth; the bus is a hint that rows exist (DESIGN.md, Scale out).
 */
export interface Bus {
  /**
   * The channel the writing statement announces new messages on, from inside its transaction,
   * so other nodes hear of a write only if it commits, and in commit order. Absent on one node.
   */
  channel?: NotifyChannel;
  /** Announces messages from inside another writer's transaction (same guarantees). */
  announce?(tx: Executor, notices: CommitNotice[]): Promise<void>;
  /** Delivers committed batches to this node's listeners. */
  publish(batches: CommittedBatch[]): void;
  /** Calls `listener` for every batch committed on any node, in seq order per conversation. */
  subscribe(listener: (batch: CommittedBatch) => void): () => void;
  close(): Promise<void>;
}

/** Listeners with an unsubscribe-returning `on`. */
export function createListeners<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value: T): void {
      for (const listener of listeners) listener(value);
    },
  };
}

/** The bus of a single gateway process: batches go straight to this node's listeners. */
export function createMemoryBus(): Bus {
  const listeners = createListeners<CommittedBatch>();
  return {
    publish: (batches) => batches.forEach(listeners.emit),
    subscribe: listeners.add,
    close: async () => {},
  };
}
