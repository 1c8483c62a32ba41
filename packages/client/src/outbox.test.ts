import { PROTOCOL_VERSION } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { structuralChecks, type FrameChecks } from './checks.ts';
import { localStorageOutboxStore, memoryOutboxStore, readEntry as readWith, toSendFrame, type OutboxEntry } from './outbox.ts';
import { protocolChecks } from './validate.ts';

const entry = (over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  v: PROTOCOL_VERSION,
  clientMessageId: 'm1',
  conversationId: 'c1',
  body: 'hello',
  createdAt: 1,
  ...over,
});

/** A Storage stand-in whose reads and writes can be made to fail. */
function fakeStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const storage = {
    failWrites: false,
    failReads: false,
    getItem(k: string) {
      if (storage.failReads) throw new Error('SecurityError');
      return data.get(k) ?? null;
    },
    setItem(k: string, value: string) {
      if (storage.failWrites) throw new Error('QuotaExceededError');
      data.set(k, value);
    },
    removeItem(k: string) {
      data.delete(k);
    },
    data,
  };
  return storage;
}

describe.each([
  ['the protocol\'s schemas', protocolChecks],
  ['structural checks', structuralChecks],
] as [string, FrameChecks][])('with %s', (_name, checks) => {
  const readEntry = (value: unknown) => readWith(value, checks);

  describe('readEntry', () => {
    it('keeps a well-formed entry and drops unknown extra fields', () => {
      expect(readEntry({ ...entry({ internal: true }), extra: 1 })).toEqual(entry({ internal: true }));
    });

    it('drops entries when their shape or version is wrong', () => {
      const bad = [
        null,
        'x',
        { ...entry(), v: PROTOCOL_VERSION + 1 },
        { ...entry(), v: undefined },
        { ...entry(), createdAt: 'yesterday' },
        { ...entry(), body: '' },
        { ...entry(), body: 42 },
        { ...entry(), clientMessageId: 'has spaces' },
        { ...entry(), clientConversationId: 'k1' },
        { ...entry(), conversationId: undefined },
        { ...entry(), internal: 'yes' },
      ];
      expect(bad.map(readEntry)).toEqual(bad.map(() => undefined));
    });
  });

  describe('attachments in the outbox', () => {
    it('keep the file ids of a message through a reload, and a message of files alone', () => {
      const files = entry({ body: '', attachments: ['f1', 'f2'] });
      const store = localStorageOutboxStore(fakeStorage(), 'k');
      store.save([files]);
      expect(store.load()).toEqual([files]);
      expect(toSendFrame(files)).toMatchObject({ body: '', attachments: ['f1', 'f2'] });
    });

    it('drop entries whose files are malformed', () => {
      const bad = [entry({ attachments: ['../x'] }), entry({ attachments: Array.from({ length: 11 }, (_, i) => `f${i}`) }), entry({ body: '', attachments: [] })];
      expect(bad.map(readEntry)).toEqual(bad.map(() => undefined));
    });
  });
});

describe('toSendFrame', () => {
  it('copies ids, body and internal and omits fields that are not set', () => {
    expect(toSendFrame(entry({ conversationId: undefined, clientConversationId: 'k1' }), 's1')).toEqual({
      type: 'message.send',
      ref: 's1',
      clientConversationId: 'k1',
      clientMessageId: 'm1',
      body: 'hello',
    });
  });
});

describe('memoryOutboxStore', () => {
  it('returns what was saved, as copies the caller cannot mutate', () => {
    const store = memoryOutboxStore();
    const saved = [entry()];
    store.save(saved);
    saved[0]!.body = 'changed';
    expect(store.load()).toEqual([entry()]);
  });
});

describe('localStorageOutboxStore', () => {
  it('round-trips entries under the key and removes the key when empty', () => {
    const storage = fakeStorage();
    const store = localStorageOutboxStore(storage, 'parley.outbox');
    store.save([entry(), entry({ clientMessageId: 'm2' })]);
    expect(localStorageOutboxStore(storage, 'parley.outbox').load().map((e) => e.clientMessageId)).toEqual(['m1', 'm2']);
    store.save([]);
    expect(storage.data.has('parley.outbox')).toBe(false);
  });

  it('keeps what other tabs saved under the same key, and removes only what it saved itself', () => {
    const storage = fakeStorage();
    const tabA = localStorageOutboxStore(storage, 'k');
    const tabB = localStorageOutboxStore(storage, 'k');
    const ids = () => localStorageOutboxStore(storage, 'k').load().map((e) => e.clientMessageId);
    tabA.save([entry({ clientMessageId: 'a1' })]);
    tabB.save([entry({ clientMessageId: 'b1' })]);
    tabA.save([entry({ clientMessageId: 'a1' }), entry({ clientMessageId: 'a2' })]);
    expect(ids()).toEqual(['b1', 'a1', 'a2']);
    // a1 acknowledged in tab A: tab B's message stays.
    tabA.save([entry({ clientMessageId: 'a2' })]);
    expect(ids()).toEqual(['b1', 'a2']);
    // A changed entry replaces the stored one with its id (the widget points waiting messages at a new conversation).
    tabB.save([entry({ clientMessageId: 'b1', body: 'changed' })]);
    expect(localStorageOutboxStore(storage, 'k').load().find((e) => e.clientMessageId === 'b1')?.body).toBe('changed');
    tabB.save([]);
    tabA.save([]);
    expect(storage.data.has('k')).toBe(false);
  });

  it('loads an empty outbox when the stored value is garbage', () => {
    for (const garbage of ['{not json', '"a string"', '{"v":1}', 'null', '42']) {
      expect(localStorageOutboxStore(fakeStorage({ k: garbage }), 'k').load()).toEqual([]);
    }
  });

  it('leaves out stored values without the shape of an entry (the client checks the rest when it loads them)', () => {
    const stored = JSON.stringify([entry(), { nope: true }, null, entry({ clientMessageId: 'm3', body: '' }), { ...entry({ clientMessageId: 'm4' }), createdAt: 'x' }]);
    const loaded = localStorageOutboxStore(fakeStorage({ k: stored }), 'k').load();
    expect(loaded.map((e) => e.clientMessageId)).toEqual(['m1', 'm3']);
  });

  it('never throws when storage reads or writes fail', () => {
    const storage = fakeStorage();
    const store = localStorageOutboxStore(storage, 'k');
    storage.failWrites = true;
    expect(() => store.save([entry()])).not.toThrow();
    storage.failReads = true;
    expect(store.load()).toEqual([]);
  });
});
