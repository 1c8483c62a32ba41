import * as v from 'valibot';

/** Hard ceiling for a message body at the protocol level; each app sets its own lower limit. */
export const MAX_BODY_CHARS = 10_000;

/** Default per-app message length limit (MISSION.md A5: 1000 characters). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 1000;

/** Most cursors one resume frame may carry. */
export const MAX_RESUME_CURSORS = 200;

/** A server-made id (UUID) or a client-made id: short, URL-safe. */
export const IdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -'));

const RefSchema = v.optional(v.pipe(v.string(), v.maxLength(64)));
const SeqSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31 - 1));
const LimitSchema = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)));

// ---------------------------------------------------------------------------------------------
// Client → server (commands and queries)

/** Send a message to an existing conversation, or to a new one named by a client-made id. */
export const MessageSendSchema = v.pipe(
  v.strictObject({
    type: v.literal('message.send'),
    ref: RefSchema,
    conversationId: v.optional(IdSchema),
    clientConversationId: v.optional(IdSchema),
    clientMessageId: IdSchema,
    body: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_BODY_CHARS)),
    internal: v.optional(v.boolean()),
  }),
  v.check(
    (f) => (f.conversationId === undefined) !== (f.clientConversationId === undefined),
    'needs exactly one of conversationId and clientConversationId',
  ),
);

/** Ask for every message after the given seq in each conversation, in order. */
export const ResumeSchema = v.strictObject({
  type: v.literal('resume'),
  ref: RefSchema,
  cursors: v.pipe(
    v.array(v.strictObject({ conversationId: IdSchema, seq: SeqSchema })),
    v.maxLength(MAX_RESUME_CURSORS),
  ),
});

/** List conversations: a visitor's own, or the workspace's for an agent. */
export const ConversationListSchema = v.strictObject({
  type: v.literal('conversation.list'),
  ref: RefSchema,
  status: v.optional(v.picklist(['open', 'closed'])),
  limit: LimitSchema,
});

/** Read a page of a conversation's messages before `beforeSeq` (the latest page without it), oldest first. */
export const ConversationHistorySchema = v.strictObject({
  type: v.literal('conversation.history'),
  ref: RefSchema,
  conversationId: IdSchema,
  beforeSeq: v.optional(SeqSchema),
  limit: LimitSchema,
});

/** Application-level liveness probe; answered with `pong`. */
export const PingSchema = v.strictObject({ type: v.literal('ping'), ref: RefSchema });

/** Every frame a client may send, discriminated by `type`. */
export const ClientFrameSchema = v.variant('type', [
  MessageSendSchema,
  ResumeSchema,
  ConversationListSchema,
  ConversationHistorySchema,
  PingSchema,
]);

/** A frame a client sends. */
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;
/** The `type` of a client frame. */
export type ClientFrameType = ClientFrame['type'];
/** Every client frame type, for "unknown type" checks before full validation. */
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = [
  'message.send',
  'resume',
  'conversation.list',
  'conversation.history',
  'ping',
];

// ---------------------------------------------------------------------------------------------
// Server → client (events and results)

/** Who wrote a message. */
export const AuthorSchema = v.object({
  kind: v.picklist(['visitor', 'agent', 'system']),
  id: v.string(),
  name: v.optional(v.string()),
});

/** A message as its audience sees it. `internal` is only ever present for agents. */
export const MessageSchema = v.object({
  id: v.string(),
  conversationId: v.string(),
  seq: v.number(),
  clientMessageId: v.optional(v.string()),
  author: AuthorSchema,
  body: v.string(),
  internal: v.optional(v.boolean()),
  createdAt: v.string(),
});

/** One row of a conversation list. */
export const ConversationSummarySchema = v.object({
  id: v.string(),
  appId: v.string(),
  status: v.picklist(['open', 'closed']),
  lastSeq: v.number(),
  lastMessageAt: v.nullable(v.string()),
  createdAt: v.string(),
  preview: v.nullable(v.string()),
  visitor: v.optional(v.object({ id: v.string(), name: v.nullable(v.string()) })),
  clientConversationId: v.optional(v.string()),
});

const Ref = v.optional(v.string());

/** Every frame the server sends. */
export const ServerFrameSchema = v.variant('type', [
  v.object({
    type: v.literal('hello'),
    protocol: v.number(),
    versions: v.array(v.number()),
    principal: v.object({ kind: v.picklist(['visitor', 'agent']), id: v.string() }),
    heartbeatMs: v.number(),
    limits: v.object({ maxMessageLength: v.number(), maxFrameBytes: v.number() }),
  }),
  v.object({
    type: v.literal('message.ack'),
    ref: Ref,
    conversationId: v.string(),
    clientConversationId: v.optional(v.string()),
    clientMessageId: v.string(),
    messageId: v.string(),
    seq: v.number(),
    createdAt: v.string(),
    duplicate: v.boolean(),
  }),
  v.object({ type: v.literal('message.created'), message: MessageSchema }),
  v.object({ type: v.literal('conversation.updated'), conversation: ConversationSummarySchema }),
  v.object({
    type: v.literal('conversation.reset'),
    ref: Ref,
    conversationId: v.string(),
    lastSeq: v.number(),
    reason: v.picklist(['cursor_ahead', 'too_far_behind']),
  }),
  v.object({ type: v.literal('resume.done'), ref: Ref }),
  v.object({
    type: v.literal('conversation.list.result'),
    ref: Ref,
    conversations: v.array(ConversationSummarySchema),
  }),
  v.object({
    type: v.literal('conversation.history.result'),
    ref: Ref,
    conversationId: v.string(),
    messages: v.array(MessageSchema),
    hasMore: v.boolean(),
  }),
  v.object({ type: v.literal('pong'), ref: Ref }),
  v.object({
    type: v.literal('error'),
    ref: Ref,
    frameType: v.optional(v.string()),
    /** Set when the error concerns one conversation of a frame that named several (a resume cursor). */
    conversationId: v.optional(v.string()),
    code: v.string(),
    message: v.string(),
  }),
  v.object({ type: v.literal('reload'), reason: v.string(), versions: v.array(v.number()) }),
]);

/** A frame the server sends. */
export type ServerFrame = v.InferOutput<typeof ServerFrameSchema>;
/** A server frame of one `type`. */
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
/** A message as its audience sees it. */
export type Message = v.InferOutput<typeof MessageSchema>;
/** One row of a conversation list. */
export type ConversationSummary = v.InferOutput<typeof ConversationSummarySchema>;
/** Who wrote a message. */
export type Author = v.InferOutput<typeof AuthorSchema>;
