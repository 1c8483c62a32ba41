import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes.ts';
import { parseClientFrame } from './parse.ts';

// Generated input, many runs: whatever a client sends, the parser answers a frame or a coded,
// short error, and never throws. The example tests beside this one name the specific cases.

/** One valid frame of every client type: the starting points for near-valid frames. */
const VALID: Record<string, unknown>[] = [
  { type: 'message.send', ref: 'r1', clientConversationId: 'c1', clientMessageId: 'm1', body: 'hello' },
  { type: 'message.send', conversationId: 'c1', clientMessageId: 'm2', body: 'hi', internal: true, attachments: ['a1'] },
  { type: 'resume', cursors: [{ conversationId: 'c1', seq: 3 }] },
  { type: 'conversation.list', status: 'open', limit: 20 },
  { type: 'conversation.history', conversationId: 'c1', beforeSeq: 10, limit: 50 },
  { type: 'ping', ref: 'p' },
  { type: 'typing', conversationId: 'c1', state: 'start' },
  { type: 'conversation.read', conversationId: 'c1', seq: 4 },
  { type: 'conversation.end', conversationId: 'c1' },
];

/** Values of every JSON kind, including long strings and keys that try the prototype. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.string({ minLength: 200, maxLength: 5000 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', ' ', '../x', '\u0000', 'open\n'),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted'), fc.jsonValue()),
);

/** A valid frame with one field replaced, removed or added: the inputs most likely to slip through. */
const nearValid = fc
  .tuple(fc.constantFrom(...VALID), fc.constantFrom('type', 'ref', 'body', 'conversationId', 'clientConversationId', 'clientMessageId', 'cursors', 'status', 'limit', 'seq', 'state', 'internal', 'attachments', '__proto__', 'constructor', 'extra'), fc.option(anyValue, { nil: undefined }))
  .map(([frame, key, value]) => {
    const copy: Record<string, unknown> = { ...frame };
    if (value === undefined) delete copy[key];
    else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    return JSON.stringify(copy);
  });

const ERROR_CODES = new Set<string>([ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_FRAME]);

/** What every answer must be: a frame, or one of three codes with a short message that says what is wrong. */
function checkAnswer(text: string): void {
  const result = parseClientFrame(text);
  if (result.ok) {
    // Nothing is added or changed on the way: the frame is what the client sent.
    expect(result.frame).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(result.frame)).toBe(Object.prototype);
    return;
  }
  expect(ERROR_CODES).toContain(result.code);
  expect(result.message.length).toBeGreaterThan(10);
  // The error names the problem; it never echoes a long input back.
  expect(result.message.length).toBeLessThanOrEqual(300);
  if (result.ref !== undefined) expect(result.ref.length).toBeLessThanOrEqual(64);
}

describe('parseClientFrame on generated input', () => {
  it('answers any text with a frame or a coded error, never a throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), checkAnswer), { numRuns: 500 });
  });

  it('answers any JSON value the same way', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => checkAnswer(JSON.stringify(value) ?? 'null')), { numRuns: 500 });
  });

  it('answers frames one field away from valid the same way, and lets nothing reach Object.prototype', () => {
    fc.assert(fc.property(nearValid, checkAnswer), { numRuns: 2000 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts every valid frame it was started from', () => {
    for (const frame of VALID) expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });
});
