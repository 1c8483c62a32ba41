import { MAX_BODY_CHARS, PROTOCOL_VERSION, type Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseServerFrame, structuralChecks, type MessageSendFrame } from './checks.ts';
import { protocolChecks } from './validate.ts';

const message: Message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  author: { kind: 'agent', id: 'a1', name: 'Ada' },
  body: 'Hello',
  createdAt: '2024-01-01T00:00:00Z',
  attachments: [{ id: 'f1', name: 'a.pdf', size: 3, type: 'application/pdf' }],
};
const summary = { id: 'c1', appId: 'demo', status: 'open', lastSeq: 3, lastMessageAt: null, createdAt: '2024-01-01T00:00:00Z', preview: null, unread: 1, seenSeq: 0 };

/** Frames the server sends, each valid by the protocol's schemas. */
const VALID = [
  { type: 'hello', protocol: PROTOCOL_VERSION, versions: [PROTOCOL_VERSION], principal: { kind: 'visitor', id: 'v1' }, heartbeatMs: 30_000, limits: { maxMessageLength: 1000, maxFrameBytes: 65_536 } },
  { type: 'message.ack', ref: 's1', conversationId: 'c1', clientMessageId: 'k1', messageId: 'm1', seq: 1, createdAt: '2024-01-01T00:00:00Z', duplicate: false },
  { type: 'message.created', message },
  { type: 'conversation.updated', conversation: summary },
  { type: 'conversation.reset', conversationId: 'c1', lastSeq: 9, reason: 'cursor_ahead' },
  { type: 'resume.done', ref: 'r1' },
  { type: 'conversation.list.result', ref: 'q1', conversations: [summary] },
  { type: 'conversation.history.result', ref: 'q2', conversationId: 'c1', messages: [message], hasMore: false },
  { type: 'pong', ref: 'q3' },
  { type: 'ok' },
  { type: 'typing', conversationId: 'c1', state: 'start', author: { kind: 'agent', id: 'a1' } },
  { type: 'conversation.read', conversationId: 'c1', reader: { kind: 'agent', id: 'a1' }, seq: 2, readAt: '2024-01-01T00:00:00Z' },
  { type: 'availability', status: 'away' },
  { type: 'error', ref: 's2', frameType: 'message.send', code: 'RATE_LIMITED', message: 'Slow down.' },
  { type: 'reload', reason: 'old', versions: [PROTOCOL_VERSION] },
  { type: 'queue.position', conversationId: 'c1', position: 2 },
];

/** Frames with a field the client or the messenger reads missing or of the wrong type. */
const MALFORMED = [
  null,
  'hello',
  [],
  {},
  { type: 7 },
  { type: 'pong', ref: 5 },
  { type: 'hello', limits: { maxMessageLength: 1000 } },
  { type: 'message.created' },
  { type: 'message.created', message: { ...message, seq: '1' } },
  { type: 'message.created', message: { ...message, author: null } },
  { type: 'message.created', message: { ...message, attachments: [{ id: 'f1' }] } },
  { type: 'message.ack', conversationId: 'c1', clientMessageId: 'k1', messageId: 'm1', createdAt: 'x', duplicate: false },
  { type: 'conversation.list.result', conversations: [{ ...summary, lastSeq: null }] },
  { type: 'conversation.history.result', conversationId: 'c1', messages: 'none', hasMore: false },
  { type: 'typing', conversationId: 'c1', state: 'start' },
  { type: 'conversation.read', conversationId: 'c1', reader: { kind: 'agent', id: 'a1' }, seq: '2', readAt: 'x' },
  { type: 'error', code: 'X' },
  { type: 'reload', versions: [1] },
];

const send = (over: Partial<Record<keyof MessageSendFrame, unknown>>): MessageSendFrame => ({ type: 'message.send', conversationId: 'c1', clientMessageId: 'k1', body: 'hi', ...over }) as MessageSendFrame;

const SENDS = [
  send({}),
  send({ ref: 's1', internal: true }),
  send({ conversationId: undefined, clientConversationId: 'n1' }),
  send({ body: '', attachments: ['f1', 'f2'] }),
  send({ body: 'x'.repeat(MAX_BODY_CHARS) }),
  send({ body: 'x'.repeat(MAX_BODY_CHARS + 1) }),
  send({ body: '' }),
  send({ body: '', attachments: [] }),
  send({ body: 42 }),
  send({ clientConversationId: 'n1' }),
  send({ conversationId: undefined }),
  send({ conversationId: 'has spaces' }),
  send({ conversationId: 'x'.repeat(65) }),
  send({ clientMessageId: '' }),
  send({ clientMessageId: '../x' }),
  send({ internal: 'yes' }),
  send({ ref: 'x'.repeat(65) }),
  send({ attachments: ['f1', 'f1'] }),
  send({ attachments: Array.from({ length: 11 }, (_, i) => `f${i}`) }),
  send({ attachments: ['no/slash'] }),
  send({ attachments: 'f1' }),
];

describe('structuralChecks', () => {
  it('passes every valid server frame, unchanged', () => {
    for (const frame of VALID) expect(structuralChecks.serverFrame(frame), frame.type).toBe(frame);
  });

  it('refuses frames whose fields the client or the messenger read are missing or of the wrong type', () => {
    for (const frame of MALFORMED) expect(structuralChecks.serverFrame(frame), JSON.stringify(frame)).toBeUndefined();
  });

  it('agrees with the protocol\'s schemas on every frame of both lists', () => {
    for (const frame of [...VALID, ...MALFORMED]) {
      expect(structuralChecks.serverFrame(frame) === undefined, JSON.stringify(frame)).toBe(protocolChecks.serverFrame(frame) === undefined);
    }
  });

  it('refuses exactly the message.send frames the protocol\'s schema refuses', () => {
    for (const frame of SENDS) {
      expect(structuralChecks.messageSend(frame) === undefined, JSON.stringify(frame).slice(0, 120)).toBe(protocolChecks.messageSend(frame) === undefined);
    }
    expect(SENDS.filter((frame) => structuralChecks.messageSend(frame) === undefined)).toHaveLength(5);
  });

  it('says what is wrong with a message.send frame', () => {
    expect(structuralChecks.messageSend(send({ clientConversationId: 'n1' }))).toBe('needs exactly one of conversationId and clientConversationId');
    expect(structuralChecks.messageSend(send({ body: '' }))).toBe('must not be empty');
  });
});

describe('parseServerFrame', () => {
  it.each([
    ['the protocol\'s schemas', protocolChecks],
    ['structural checks', structuralChecks],
  ])('returns the frame when the text is a valid server frame, with %s', (_name, checks) => {
    expect(parseServerFrame('{"type":"pong","ref":"q1"}', checks)).toEqual({ type: 'pong', ref: 'q1' });
  });

  it.each([
    ['the protocol\'s schemas', protocolChecks],
    ['structural checks', structuralChecks],
  ])('returns undefined when the text is not JSON, not a server frame, or not text, with %s', (_name, checks) => {
    expect(parseServerFrame('{nope', checks)).toBeUndefined();
    expect(parseServerFrame('{"type":"error","code":"X"}', checks)).toBeUndefined();
    expect(parseServerFrame('{"type":"message.created"}', checks)).toBeUndefined();
    expect(parseServerFrame(new Uint8Array([123, 125]), checks)).toBeUndefined();
  });
});
