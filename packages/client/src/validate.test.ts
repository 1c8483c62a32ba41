import { MessageSendSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { protocolChecks, validate } from './validate.ts';

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

describe('protocolChecks', () => {
  it('refuses a server frame of a type the protocol does not have', () => {
    expect(protocolChecks.serverFrame({ type: 'message.send', clientMessageId: 'a', body: 'x' })).toBeUndefined();
    expect(protocolChecks.serverFrame({ type: 'pong', ref: 'q1' })).toEqual({ type: 'pong', ref: 'q1' });
  });
});
