import { MAX_ATTACHMENTS_PER_MESSAGE, SUPPORTED_VERSIONS } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { structuralChecks, type FrameChecks } from './checks.ts';
import { localStorageOutboxStore, readEntry, toSendFrame, type OutboxEntry } from './outbox.ts';
import { protocolChecks } from './validate.ts';

// Generated input, many runs: whatever a page finds in storage, reading the outbox never throws
// and yields only entries the client may send. The example tests beside this one name the
// specific cases.

const KEY = 'parley.outbox';
const FIELDS = ['v', 'clientMessageId', 'conversationId', 'clientConversationId', 'body', 'internal', 'attachments', 'createdAt'];

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
/** Any UTF-16 code unit, lone surrogates and control characters included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** An entry the client would send: ids, exactly one conversation, text or files, a time. */
const validEntry: fc.Arbitrary<OutboxEntry> = fc
  .tuple(
    fc.record(
      {
        v: fc.constantFrom(...SUPPORTED_VERSIONS),
        clientMessageId: id,
        body: fc.string({ unit: codeUnit, maxLength: 200 }),
        internal: fc.boolean(),
        attachments: fc.uniqueArray(id, { maxLength: MAX_ATTACHMENTS_PER_MESSAGE }),
        createdAt: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seconds) => seconds * 1000), // In ms, as Date.now() gives.
      },
      { requiredKeys: ['v', 'clientMessageId', 'body', 'createdAt'] },
    ),
    fc.oneof(id.map((conversationId) => ({ conversationId })), id.map((clientConversationId) => ({ clientConversationId }))),
  )
  .map(([fields, conversation]) => ({ ...fields, ...conversation }))
  .filter((e) => e.body !== '' || (e.attachments?.length ?? 0) > 0);

/** Values of every kind, and keys that try the prototype. */
const anyValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBigInt: true, withDate: true }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted'), fc.jsonValue()),
);

/** A valid entry with one field replaced, removed or added: the values most likely to slip through. */
const nearValid = (value: fc.Arbitrary<unknown>) =>
  fc.tuple(validEntry, fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'extra'), fc.option(value, { nil: undefined })).map(([entry, key, replacement]) => {
    const copy: Record<string, unknown> = { ...entry };
    if (replacement === undefined) delete copy[key];
    else Object.defineProperty(copy, key, { value: replacement, enumerable: true, writable: true, configurable: true });
    return copy;
  });

const CHECKS: [string, FrameChecks][] = [
  ["the protocol's schemas", protocolChecks],
  ['structural checks', structuralChecks],
];

/** What `readEntry` may answer for `value`: nothing, or the entry's own fields, unchanged, forming an entry the checks accept. */
function expectReadable(value: unknown, checks: FrameChecks): void {
  const entry = readEntry(value, checks);
  if (entry === undefined) return;
  expect(SUPPORTED_VERSIONS).toContain(entry.v);
  expect(Number.isFinite(entry.createdAt)).toBe(true);
  expect(checks.messageSend(toSendFrame(entry))).toBeUndefined();
  expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
  for (const [key, field] of Object.entries(entry)) {
    expect(FIELDS).toContain(key);
    expect(field, key).toEqual((value as Record<string, unknown>)[key]);
  }
}

/** A Storage stand-in over a Map. */
function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe.each(CHECKS)('readEntry with %s on generated input', (_name, checks) => {
  it('keeps every valid entry as it is', () => {
    fc.assert(
      fc.property(validEntry, (entry) => {
        expect(readEntry(entry, checks)).toEqual(entry);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any value with nothing or a sendable copy of its fields, never a throw', () => {
    fc.assert(fc.property(fc.oneof(anyValue, fc.jsonValue()), (value) => expectReadable(value, checks)), { numRuns: 300 });
  });

  it('answers entries one field away from valid the same way, and lets nothing reach Object.prototype', () => {
    fc.assert(fc.property(nearValid(anyValue), (value) => expectReadable(value, checks)), { numRuns: 500 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('localStorageOutboxStore on generated input', () => {
  it('loads what it saved, in order, and each entry reads back as it was', () => {
    fc.assert(
      fc.property(fc.array(validEntry, { maxLength: 10 }), (entries) => {
        const storage = memoryStorage();
        localStorageOutboxStore(storage, KEY).save(entries);
        // A new store over the same storage: what a page finds after a reload.
        const loaded = localStorageOutboxStore(storage, KEY).load();
        expect(loaded).toEqual(entries);
        for (const [, checks] of CHECKS) expect(loaded.map((e) => readEntry(e, checks))).toEqual(entries);
        expect(storage.getItem(KEY) === null).toBe(entries.length === 0);
      }),
      { numRuns: 200 },
    );
  });

  it('loads corrupt or foreign data without throwing, and the client reads no invalid entry from it', () => {
    const stored = fc.oneof(
      fc.string({ unit: codeUnit }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.array(fc.oneof(validEntry, nearValid(fc.jsonValue()), fc.jsonValue()), { maxLength: 5 }).map((items) => JSON.stringify(items)),
    );
    fc.assert(
      fc.property(stored, (text) => {
        const loaded = localStorageOutboxStore(memoryStorage({ [KEY]: text }), KEY).load();
        expect(Array.isArray(loaded)).toBe(true);
        for (const e of loaded) {
          expect(typeof e.clientMessageId).toBe('string');
          expect(typeof e.body).toBe('string');
          expect(typeof e.createdAt).toBe('number');
          for (const [, checks] of CHECKS) expectReadable(e, checks);
        }
      }),
      { numRuns: 300 },
    );
  });
});
