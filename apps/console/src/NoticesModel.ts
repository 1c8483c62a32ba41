import { signal, type ReadonlySignal } from '@preact/signals';

/** A sentence the console tells the agent (a transfer's answer, a chat that left their list). */
export interface Notice {
  id: number;
  text: string;
  /** What the notice is about (e.g. a conversation): a newer notice about it replaces this one. */
  key?: string;
}

/** The latest few notices, newest last, until the agent dismisses them. */
export interface NoticesModel {
  readonly list: ReadonlySignal<Notice[]>;
  /** Shows a notice; one with the same `key` as a shown notice takes its place. */
  add(text: string, key?: string): void;
  /** Takes away the notice about `key`, if one is shown: what it said is no longer true. */
  forget(key: string): void;
  dismiss(id: number): void;
  clear(): void;
}

/** How many notices stay on screen; older ones give way. */
const KEEP = 4;

/** Creates the notices list. */
export function createNoticesModel(): NoticesModel {
  const list = signal<Notice[]>([]);
  let next = 0;
  return {
    list,
    add(text, key) {
      // Two frames often tell of one event (an offer withdrawn, then access lost): say it once.
      const others = key ? list.value.filter((n) => n.key !== key) : list.value;
      list.value = [...others, { id: ++next, text, ...(key && { key }) }].slice(-KEEP);
    },
    forget(key) {
      if (list.value.some((n) => n.key === key)) list.value = list.value.filter((n) => n.key !== key);
    },
    dismiss(id) {
      list.value = list.value.filter((n) => n.id !== id);
    },
    clear() {
      list.value = [];
    },
  };
}
