import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes.ts';
import { parseClientFrame } from './parse.ts';

describe('parseClientFrame', () => {
  it('accepts a valid message.send when it names exactly one conversation', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'message.send', conversationId: 'c1', clientMessageId: 'm1', body: 'hi' }));
    expect(result).toEqual({ ok: true, frame: { type: 'message.send', conversationId: 'c1', clientMessageId: 'm1', body: 'hi' } });
  });

  it('refuses a message.send that names both or neither conversation', () => {
    for (const extra of [{}, { conversationId: 'a', clientConversationId: 'b' }]) {
      const result = parseClientFrame(JSON.stringify({ type: 'message.send', clientMessageId: 'm', body: 'x', ...extra }));
      expect(result).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME, frameType: 'message.send' });
    }
  });

  it('reports invalid JSON as BAD_JSON', () => {
    expect(parseClientFrame('{')).toMatchObject({ ok: false, code: ErrorCode.BAD_JSON });
  });

  it('reports an unknown type as UNKNOWN_TYPE and keeps the ref', () => {
    expect(parseClientFrame('{"type":"drop.tables","ref":"r1"}')).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE, ref: 'r1' });
  });

  it('refuses unknown keys, including __proto__, instead of passing them on', () => {
    const result = parseClientFrame('{"type":"ping","__proto__":{"admin":true}}');
    expect(result).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('names the field that is wrong', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'conversation.history', conversationId: 'c', limit: 1000 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('limit');
  });

  it('refuses ids with characters outside the URL-safe set', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'conversation.history', conversationId: 'a/b' }));
    expect(result).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
  });

  it('caps a resume at 200 cursors', () => {
    const cursors = Array.from({ length: 201 }, (_, i) => ({ conversationId: `c${i}`, seq: 0 }));
    expect(parseClientFrame(JSON.stringify({ type: 'resume', cursors }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_FRAME });
    expect(parseClientFrame(JSON.stringify({ type: 'resume', cursors: cursors.slice(1) }))).toMatchObject({ ok: true });
  });
});
