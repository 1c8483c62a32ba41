import { localStorageOutboxStore } from '@parley/client';
import { render } from 'preact';
import { adoptStyles } from '../shared/adopt-styles.ts';
import type { MessengerController, MessengerHost } from '../shared/messenger-contract.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import { Messenger } from './Messenger.tsx';
import { createMessengerModel, type KeyValueStorage } from './MessengerModel.ts';
import css from './messenger.css?inline';
import { createVisitorTransport } from './transport.ts';

/** localStorage, or an in-memory stand-in where the page may not use it (sandboxed frames, privacy modes). */
function pageStorage(): KeyValueStorage {
  try {
    const storage = window.localStorage;
    storage.getItem('parley:probe');
    return storage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}

/**
 * Mounts the messenger into the widget's shadow root. It renders closed and touches the network
 * only when `open()` or `connect()` is called.
 */
export function mount({ root, baseUrl, appId }: MessengerHost): MessengerController {
  adoptStyles(root, css);
  const container = root.ownerDocument.createElement('div');
  root.prepend(container);
  const storage = pageStorage();
  const model = createMessengerModel({
    transport: createVisitorTransport({ baseUrl, appId }),
    storage,
    outbox: localStorageOutboxStore(storage, storageKeys(appId).outbox),
    appId,
  });
  render(<Messenger model={model} />, container);
  return {
    open: () => model.setOpen(true),
    close: () => model.setOpen(false),
    connect: () => void model.start(),
  };
}
