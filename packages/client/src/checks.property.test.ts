import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerFrame, structuralChecks, type FrameChecks, type MessageSendFrame } from './checks.ts';
import { protocolChecks } from './validate.ts';

// Generated input, many runs: whatever arrives on the socket, parsing answers a frame or nothing
// and never throws; both kinds of checks refuse the same message.send frames. The example tests
// beside this one name the specific cases.

const CHECKS: [string, FrameChecks][] = [
  ["the protocol's schemas", protocolChecks],
  ['structural checks', structuralChecks],
];

/** The types whose fields structural checks look at; any other type passes with its `type` checked only. */
const KNOWN_TYPES = [
  'hello',
  'message.ack',
  'message.created',
  'conversation.updated',
  'conversation.reset',
  'conversation.list.result',
  'conversation.history.result',
  'typing',
  'conversation.read',
  'availability',
  'error',
  'reload',
];

const message = { id: 'm1', conversationId: 'c1', seq: 1, author: { kind: 'agent', id: 'a1' }, body: 'Hello', createdAt: '2024-01-01T00:00:00Z' };

/** One valid frame of several server types: the starting points for near-valid frames. */
const VALID: Record<string, unknown>[] = [
  { type: 'hello', protocol: 1, versions: [1], principal: { kind: 'visitor', id: 'v1' }, heartbeatMs: 30_000, limits: { maxMessageLength: 1000, maxFrameBytes: 65_536 } },
  { type: 'message.ack', ref: 's1', conversationId: 'c1', clientMessageId: 'k1', messageId: 'm1', seq: 1, createdAt: '2024-01-01T00:00:00Z', duplicate: false },
  { type: 'message.created', message },
  { type: 'conversation.history.result', ref: 'q1', conversationId: 'c1', messages: [message], hasMore: false },
  { type: 'conversation.reset', conversationId: 'c1', lastSeq: 9, reason: 'cursor_ahead' },
  { type: 'resume.done', ref: 'r1' },
  { type: 'error', ref: 's2', code: 'RATE_LIMITED', message: 'Slow down.' },
  { type: 'typing', conversationId: 'c1', state: 'start', author: { kind: 'agent', id: 'a1' } },
];

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** JSON values, and keys and strings that try the prototype. */
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', '\u0000'),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'type', 'ref'), fc.jsonValue()),
);

/** Sets `key` as an own property, even `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The text of a valid frame with one field replaced, removed or added, at the top or one level down. */
const nearValid = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.constantFrom('type', 'ref', 'message', 'limits', 'seq', 'conversationId', 'code', 'author', 'messages', '__proto__', 'extra'),
    // A field one level down when the one above is an object, e.g. message.seq or limits.maxFrameBytes.
    fc.constantFrom(undefined, 'seq', 'author', 'body', 'id', 'maxFrameBytes'),
    fc.option(anyJson, { nil: undefined }),
  )
  .map(([frame, key, inner, value]) => {
    const copy: Record<string, unknown> = { ...frame };
    const nested = copy[key];
    if (inner !== undefined && typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
      const innerCopy: Record<string, unknown> = { ...nested };
      if (value === undefined) delete innerCopy[inner];
      else setOwn(innerCopy, inner, value);
      copy[key] = innerCopy;
    } else if (value === undefined) delete copy[key];
    else setOwn(copy, key, value);
    return JSON.stringify(copy);
  });

/** What every answer must be: nothing, or a frame with a string `type`, as sent when only its shape was checked. */
function checkAnswer(data: unknown, checks: FrameChecks): void {
  const frame = parseServerFrame(data, checks);
  if (frame === undefined) return;
  expect(typeof data).toBe('string');
  expect(typeof frame.type).toBe('string');
  if (checks === structuralChecks) expect(frame).toEqual(JSON.parse(data as string));
}

/** Values of every kind but text, as a socket may hand over binary data. */
const notText = fc
  .anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withBigInt: true, withDate: true })
  .filter((data) => typeof data !== 'string');

describe.each(CHECKS)('parseServerFrame with %s on generated input', (_name, checks) => {
  it('answers any text with a frame or nothing, never a throw', () => {
    fc.assert(fc.property(fc.string({ unit: codeUnit }), (text) => checkAnswer(text, checks)), { numRuns: 300 });
  });

  it('answers the text of any JSON value the same way', () => {
    fc.assert(fc.property(anyJson, (value) => checkAnswer(JSON.stringify(value) ?? 'null', checks)), { numRuns: 300 });
  });

  it('answers frames one field away from valid the same way, and lets nothing reach Object.prototype', () => {
    fc.assert(fc.property(nearValid, (text) => checkAnswer(text, checks)), { numRuns: 500 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers nothing, without throwing, for data that is not text', () => {
    fc.assert(
      fc.property(notText, (data) => {
        expect(parseServerFrame(data, checks)).toBeUndefined();
        // Called directly, the checks answer any value without throwing too.
        expect(() => checks.serverFrame(data)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('structuralChecks on generated input', () => {
  it('passes a frame of a type it does not know with only its type and ref checked', () => {
    const type = fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf')).filter((t) => !KNOWN_TYPES.includes(t));
    const rest = fc.dictionary(fc.string().filter((k) => k !== 'type' && k !== 'ref'), fc.jsonValue(), { maxKeys: 4 });
    fc.assert(
      fc.property(type, rest, fc.option(fc.string(), { nil: undefined }), (t, fields, ref) => {
        const frame: Record<string, unknown> = { ...fields };
        setOwn(frame, 'type', t);
        if (ref !== undefined) frame.ref = ref;
        const text = JSON.stringify(frame);
        expect(parseServerFrame(text, structuralChecks)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses exactly the message.send frames the protocol's schema refuses", () => {
    const goodId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    const valid = fc
      .tuple(
        fc.record(
          {
            type: fc.constant('message.send'),
            ref: fc.string({ maxLength: 64 }),
            clientMessageId: goodId,
            body: fc.string({ maxLength: 50 }),
            internal: fc.boolean(),
            attachments: fc.uniqueArray(goodId, { maxLength: MAX_ATTACHMENTS_PER_MESSAGE }),
          },
          { requiredKeys: ['type', 'clientMessageId', 'body'] },
        ),
        fc.oneof(goodId.map((conversationId) => ({ conversationId })), goodId.map((clientConversationId) => ({ clientConversationId }))),
      )
      .map(([fields, conversation]) => ({ ...fields, ...conversation }));
    // Values at and just past each rule's edge, and values of the wrong kind.
    const edge = fc.oneof(
      fc.constantFrom('', 'x'.repeat(64), 'x'.repeat(65), 'has space', '../x', 'x'.repeat(MAX_BODY_CHARS), 'x'.repeat(MAX_BODY_CHARS + 1), [], ['f1', 'f1']),
      fc.array(goodId, { minLength: MAX_ATTACHMENTS_PER_MESSAGE, maxLength: MAX_ATTACHMENTS_PER_MESSAGE + 1 }),
      fc.array(fc.constantFrom('f1', 'f2', 'f3'), { minLength: 2, maxLength: 4 }),
      fc.string({ maxLength: 70 }),
      fc.jsonValue(),
    );
    const key = fc.constantFrom('ref', 'conversationId', 'clientConversationId', 'clientMessageId', 'body', 'internal', 'attachments');
    // A valid frame with up to two fields set to an edge value or removed: the frames `toSendFrame` builds.
    const frame = fc.tuple(valid, fc.array(fc.tuple(key, fc.option(edge, { nil: undefined })), { maxLength: 2 })).map(([base, changes]) => {
      const copy: Record<string, unknown> = { ...base };
      for (const [k, value] of changes) {
        if (value === undefined) delete copy[k];
        else copy[k] = value;
      }
      return copy;
    });
    fc.assert(
      fc.property(frame, (fields) => {
        const send = fields as unknown as MessageSendFrame;
        const structural = structuralChecks.messageSend(send);
        const schema = protocolChecks.messageSend(send);
        expect(structural === undefined, `structural: ${structural}, schema: ${schema}`).toBe(schema === undefined);
      }),
      { numRuns: 500 },
    );
  });
});
