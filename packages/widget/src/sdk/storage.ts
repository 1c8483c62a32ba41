import type { KeyValueStorage } from '../shared/messenger-contract.ts';
import type { Consent } from './types.ts';

/** The widget's storage: localStorage while consent allows, memory otherwise. */
export interface ConsentStorage extends KeyValueStorage {
  /** Changes consent: `'denied'` moves the app's keys from localStorage into memory; otherwise memory moves back. */
  setConsent(consent: Consent): void;
  /** Removes every key of the app, stored or in memory. */
  clear(): void;
}

/**
 * Storage that follows the visitor's consent. With `'denied'` nothing reaches the browser's
 * storage: values live in memory for this page view, and keys stored on an earlier visit are
 * moved out of localStorage. Only keys under `prefix` (`parley:<appId>:`) are ever touched. A
 * blocked localStorage (sandboxed frame, privacy mode) falls back to memory; nothing here throws.
 */
export function createConsentStorage(window: Window, prefix: string, consent: Consent): ConsentStorage {
  const memory = new Map<string, string>();
  let local: Storage | undefined;
  try {
    local = window.localStorage;
    local.getItem(prefix);
  } catch {
    local = undefined;
  }
  let mode: Consent = 'on-interaction';
  const persistent = () => (mode === 'denied' ? undefined : local);

  /** The app's keys in localStorage. */
  function storedKeys(): string[] {
    const keys: string[] = [];
    try {
      for (let i = 0; i < local!.length; i++) {
        const key = local!.key(i);
        if (key?.startsWith(prefix)) keys.push(key);
      }
    } catch {
      // Nothing readable.
    }
    return keys;
  }

  const storage: ConsentStorage = {
    getItem(key) {
      try {
        return persistent()?.getItem(key) ?? memory.get(key) ?? null;
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem(key, value) {
      try {
        const target = persistent();
        if (target) return target.setItem(key, value);
      } catch {
        // Full or blocked: keep it for this page view.
      }
      memory.set(key, value);
    },
    removeItem(key) {
      memory.delete(key);
      try {
        persistent()?.removeItem(key);
      } catch {
        // Blocked: nothing was stored there.
      }
    },
    setConsent(next) {
      if (next === 'denied' && mode !== 'denied' && local) {
        for (const key of storedKeys()) {
          memory.set(key, local.getItem(key)!);
          local.removeItem(key);
        }
      }
      const wasDenied = mode === 'denied';
      mode = next;
      if (wasDenied && next !== 'denied') {
        for (const [key, value] of memory) storage.setItem(key, value);
        if (local) memory.clear();
      }
    },
    clear() {
      memory.clear();
      try {
        for (const key of storedKeys()) local!.removeItem(key);
      } catch {
        // Blocked: nothing was stored.
      }
    },
  };
  storage.setConsent(consent);
  return storage;
}
