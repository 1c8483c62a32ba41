import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, type ClientFrame, type ServerFrame } from '@parley/protocol';

/** The `message.send` frame. */
export type MessageSendFrame = Extract<ClientFrame, { type: 'message.send' }>;

/**
 * How the client checks what it reads and what it is about to write. The gateway validates
 * every frame it accepts; these checks only keep the client from acting on a frame of the wrong
 * shape (it never throws on one) and refuse a message the gateway would refuse anyway.
 */
export interface FrameChecks {
  /** The server frame `json` is, or undefined when it is not one. */
  serverFrame(json: unknown): ServerFrame | undefined;
  /** Why a `message.send` frame would be refused, or undefined when it is valid. */
  messageSend(frame: MessageSendFrame): string | undefined;
}

// A shape: '' a string, 0 a number, false a boolean, [shape] an array of it, { key: shape } an
// object with those keys (a key ending in '?' may be absent), null anything at all.
type Shape = '' | 0 | false | null | readonly [Shape] | { readonly [key: string]: Shape };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `value` has `shape`: the fields listed, of the types listed; other fields are not looked at. */
function fits(value: unknown, shape: Shape): boolean {
  if (shape === null) return true;
  if (typeof shape !== 'object') return typeof value === typeof shape;
  if (Array.isArray(shape)) return Array.isArray(value) && value.every((item) => fits(item, shape[0]));
  if (!isObject(value)) return false;
  for (const [key, inner] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const field = value[optional ? key.slice(0, -1) : key];
    if (!(optional && field === undefined) && !fits(field, inner)) return false;
  }
  return true;
}

const MESSAGE: Shape = {
  id: '',
  conversationId: '',
  seq: 0,
  'clientMessageId?': '',
  author: { kind: '', id: '', 'name?': '' },
  body: '',
  'internal?': false,
  createdAt: '',
  'attachments?': [{ id: '', name: '', size: 0, type: '' }],
};
const SUMMARY: Shape = {
  id: '',
  status: '',
  lastSeq: 0,
  createdAt: '',
  'clientConversationId?': '',
  'unread?': 0,
  'seenSeq?': 0,
};
const PERSON: Shape = { kind: '', id: '', 'name?': '' };

/** The fields the client and the visitor's messenger read, per frame type (every `ref` is a string when present). */
const SERVER_FRAMES: Record<string, Shape> = {
  hello: { limits: { maxMessageLength: 0, maxFrameBytes: 0 } },
  'message.ack': { conversationId: '', 'clientConversationId?': '', clientMessageId: '', messageId: '', seq: 0, createdAt: '' },
  'message.created': { message: MESSAGE },
  'conversation.updated': { conversation: SUMMARY },
  'conversation.reset': { conversationId: '', lastSeq: 0 },
  'conversation.list.result': { conversations: [SUMMARY] },
  'conversation.history.result': { conversationId: '', messages: [MESSAGE] },
  typing: { conversationId: '', state: '', author: PERSON },
  'conversation.read': { conversationId: '', reader: PERSON, seq: 0 },
  availability: { status: '' },
  error: { 'frameType?': '', code: '', message: '' },
  reload: { reason: '', versions: [0] },
};

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isId = (value: unknown) => typeof value === 'string' && ID.test(value);

/**
 * Checks by shape alone, with no schema library: what the client needs from a server frame
 * (the fields it and the visitor's messenger read, of the right types), and the rules of
 * `message.send` (ids, length, exactly one conversation, not empty, at most 10 distinct files).
 * A frame of a type it does not know passes with its `type` checked only: whoever listens to it
 * checks what they read. For the visitor widget, where every byte counts.
 */
export const structuralChecks: FrameChecks = {
  serverFrame(json) {
    if (!isObject(json) || typeof json.type !== 'string' || !(json.ref === undefined || typeof json.ref === 'string')) return undefined;
    // Own keys only: a type such as 'constructor' would otherwise find Object.prototype's.
    const shape = {}.hasOwnProperty.call(SERVER_FRAMES, json.type) ? SERVER_FRAMES[json.type] : undefined;
    return !shape || fits(json, shape) ? (json as ServerFrame) : undefined;
  },
  messageSend(frame) {
    const { conversationId, clientConversationId, body, attachments } = frame;
    if (!isId(frame.clientMessageId)) return 'clientMessageId must be 1–64 characters of A–Z, a–z, 0–9, _ or -';
    if ((conversationId === undefined) === (clientConversationId === undefined)) return 'needs exactly one of conversationId and clientConversationId';
    if (!isId(conversationId ?? clientConversationId)) return 'the conversation id must be 1–64 characters of A–Z, a–z, 0–9, _ or -';
    if (typeof body !== 'string' || body.length > MAX_BODY_CHARS) return `body must be text of at most ${MAX_BODY_CHARS} characters`;
    if (frame.internal !== undefined && typeof frame.internal !== 'boolean') return 'internal must be true or false';
    if (frame.ref !== undefined && (typeof frame.ref !== 'string' || frame.ref.length > 64)) return 'ref must be text of at most 64 characters';
    if (attachments !== undefined) {
      if (!Array.isArray(attachments) || !attachments.every(isId)) return 'attachments must be file ids';
      if (attachments.length > MAX_ATTACHMENTS_PER_MESSAGE) return `must have at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`;
      if (new Set(attachments).size !== attachments.length) return 'must name each file once';
    }
    if (!body && !attachments?.length) return 'must not be empty';
    return undefined;
  },
};

/** Parses one text frame from the server; undefined when it is not JSON or not a server frame by `checks`. */
export function parseServerFrame(data: unknown, checks: FrameChecks): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    return checks.serverFrame(JSON.parse(data));
  } catch {
    return undefined;
  }
}
