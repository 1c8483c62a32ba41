import type { CommittedBatch } from '../domain/conversations/message-writer.ts';

/**
 * Carries committed messages to every gateway node's sockets. The database is the source of
 * truth; the bus is a hint that rows exist (DESIGN.md, Scale out).
 */
export interface Bus {
  /** Announces committed batches, to this node at once and to the others through the bus. */
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
