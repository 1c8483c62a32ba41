/** A typed event emitter; `on()` returns its own unsubscribe function. */
export interface Emitter<Events> {
  /** Calls `listener` for every `event` until the returned function is called. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void;
  /** Calls every listener of `event`; a listener that throws is reported and skipped, never rethrown. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
}

/** The default sink for listener exceptions: `reportError` in browsers, `console.error` elsewhere. */
const report = (error: unknown): void => {
  const reportError = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (reportError) reportError(error);
  else console.error(error);
};

/** Creates an emitter whose listeners cannot break the code that emits. */
export function createEmitter<Events>(onListenerError: (error: unknown) => void = report): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (payload: never) => listener(payload);
      set.add(entry);
      return () => void set.delete(entry);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as (p: typeof payload) => void)(payload);
        } catch (error) {
          try {
            onListenerError(error);
          } catch {
            // The reporter itself failed; nothing sensible is left to do.
          }
        }
      }
    },
  };
}
