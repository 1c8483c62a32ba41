import { MessageSendSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseServerFrame, validate } from './validate.ts';

describe('parseServerFrame', () => {
  it('returns the typed frame when the text is a valid server frame', () => {
    expect(parseServerFrame('{"type":"pong","ref":"q1"}')).toEqual({ type: 'pong', ref: 'q1' });
  });

  it('returns undefined when the text is not JSON, not a server frame, or not text', () => {
    expect(parseServerFrame('{nope')).toBeUndefined();
    expect(parseServerFrame('{"type":"message.send","clientMessageId":"a","body":"x"}')).toBeUndefined();
    expect(parseServerFrame('{"type":"error","code":"X"}')).toBeUndefined();
    expect(parseServerFrame(new Uint8Array([123, 125]))).toBeUndefined();
  });
});

describe('validate', () => {
  it('reports the first issue when a client frame breaks the schema', () => {
    const result = validate(MessageSendSchema, { type: 'message.send', clientMessageId: 'a', body: 'hi' });
    expect(result).toEqual({ ok: false, message: 'needs exactly one of conversationId and clientConversationId' });
  });

  it('returns the output when the value conforms', () => {
    const frame = { type: 'message.send', conversationId: 'c1', clientMessageId: 'a', body: 'hi' };
    expect(validate(MessageSendSchema, frame)).toEqual({ ok: true, value: frame });
  });
});
