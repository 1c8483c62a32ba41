import * as v from 'valibot';
import { ConversationRoutingSchema, QueuePositionFrameSchema, RoutingFrameSchemas } from './routing.ts';

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

/** Most files one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** The default largest upload in bytes (10 MiB); a gateway may set another (`PARLEY_MAX_UPLOAD_BYTES`). */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The file name extensions the gateway accepts (PDF, DOC(X), PPT(X), XLS(X), TXT, RTF, JPG, PNG,
 * GIF, BMP, WEBP, TIFF, HEIF), for file pickers' `accept` and checks before an upload. The
 * gateway judges every file by its bytes, and refuses a name whose extension contradicts them.
 */
export const ATTACHMENT_EXTENSIONS = [
  'bmp', 'dib', 'doc', 'docx', 'gif', 'heic', 'heics', 'heif', 'heifs', 'hif', 'jfif', 'jpe', 'jpeg', 'jpg', 'pdf',
  'png', 'ppt', 'pptx', 'rtf', 'text', 'tif', 'tiff', 'txt', 'webp', 'xls', 'xlsx',
] as const;

/** Ids of uploaded files a message carries: at most 10, each once. */
export const AttachmentIdsSchema = v.pipe(
  v.array(IdSchema),
  v.maxLength(MAX_ATTACHMENTS_PER_MESSAGE, `must have at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`),
  v.check((ids) => new Set(ids).size === ids.length, 'must name each file once'),
);

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
    body: v.pipe(v.string(), v.maxLength(MAX_BODY_CHARS)),
    internal: v.optional(v.boolean()),
    attachments: v.optional(AttachmentIdsSchema),
  }),
  v.check(
    (f) => (f.conversationId === undefined) !== (f.clientConversationId === undefined),
    'needs exactly one of conversationId and clientConversationId',
  ),
  // A message carries text, files, or both: the body may be empty only when files come with it.
  v.forward(
    v.check((f) => f.body.length > 0 || (f.attachments?.length ?? 0) > 0, 'must not be empty'),
    ['body'],
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

/**
 * Says the sender started or stopped typing in a conversation. The other side gets a `typing`
 * frame. `internal` marks an agent typing an internal note: it reaches other agents only.
 */
export const TypingSchema = v.strictObject({
  type: v.literal('typing'),
  ref: RefSchema,
  conversationId: IdSchema,
  state: v.picklist(['start', 'stop']),
  internal: v.optional(v.boolean()),
});

/** Marks a conversation read up to `seq` (in the sender's own numbering); the other side gets `conversation.read`. */
export const ConversationReadSchema = v.strictObject({
  type: v.literal('conversation.read'),
  ref: RefSchema,
  conversationId: IdSchema,
  seq: SeqSchema,
});

/** The visitor ends (leaves) a conversation: it is closed and the agents are told the customer left. */
export const ConversationEndSchema = v.strictObject({
  type: v.literal('conversation.end'),
  ref: RefSchema,
  conversationId: IdSchema,
});

/** Every frame a client may send, discriminated by `type`. */
export const ClientFrameSchema = v.variant('type', [
  MessageSendSchema,
  ResumeSchema,
  ConversationListSchema,
  ConversationHistorySchema,
  PingSchema,
  TypingSchema,
  ConversationReadSchema,
  ConversationEndSchema,
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
  'typing',
  'conversation.read',
  'conversation.end',
];

// ---------------------------------------------------------------------------------------------
// Server → client (events and results)

/** Who wrote a message. */
export const AuthorSchema = v.object({
  kind: v.picklist(['visitor', 'agent', 'system']),
  id: v.string(),
  name: v.optional(v.string()),
});

/**
 * A file attached to a message, as an upload answers it (`POST /api/{visitor,agent}/attachments`)
 * and as messages carry it. `type` is the type the gateway found in the file's bytes, never the
 * sender's claim; `name` is plain text (show it as text, never as HTML). Download it from
 * `GET /api/attachments/:id`.
 */
export const AttachmentSchema = v.object({
  id: v.string(),
  name: v.string(),
  size: v.number(),
  type: v.string(),
});

/**
 * What one of the gateway's own messages says, for a visitor's widget to put in the visitor's
 * language (the message's `body` holds the same in English): the chat ended, or an agent, by
 * name, joined or left the conversation.
 */
export const SystemEventSchema = v.variant('type', [
  v.object({ type: v.literal('ended') }),
  v.object({ type: v.picklist(['joined', 'left']), name: v.string() }),
]);

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
  /** Files sent with the message, in the order the sender gave them; absent when there are none. */
  attachments: v.optional(v.array(AttachmentSchema)),
  /** On the gateway's own messages to a visitor: what the message says, to be shown in the visitor's language. */
  event: v.optional(SystemEventSchema),
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
  /** Visitors: how many messages from agents (or the bot) came after the visitor's read position. */
  unread: v.optional(v.number()),
  /** How far the other side has read, in this audience's numbering (0 when it has read nothing). */
  seenSeq: v.optional(v.number()),
  /** Agents only: the conversation's place in routing (queue, owner, guests). */
  routing: v.optional(ConversationRoutingSchema),
  /** Agents only: when it went to the archive; absent while it is in the main views. */
  archivedAt: v.optional(v.string()),
});

/** Whether anyone can answer now: an agent is online, agents are signed in but none online, or nobody. */
export const AvailabilitySchema = v.picklist(['online', 'away', 'offline']);

const Ref = v.optional(v.string());

/**
 * Every frame the server sends. Built in a pure call so that a bundle which uses none of the
 * schemas (the visitor widget) drops them all: the spread of the routing frames below would
 * otherwise be kept, and with it every schema and valibot.
 */
export const ServerFrameSchema = /* @__PURE__ */ (() => v.variant('type', [
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
  /** The answer to a `typing`, `conversation.read` or `conversation.end` frame that carried a `ref`. */
  v.object({ type: v.literal('ok'), ref: Ref }),
  /** Someone on the other side of a conversation started or stopped typing. */
  v.object({
    type: v.literal('typing'),
    conversationId: v.string(),
    state: v.picklist(['start', 'stop']),
    author: v.object({ kind: v.picklist(['visitor', 'agent']), id: v.string(), name: v.optional(v.string()) }),
    /** Agents only: the typing is in an internal note. */
    internal: v.optional(v.boolean()),
  }),
  /** Someone read a conversation up to `seq`, in the receiving audience's numbering. */
  v.object({
    type: v.literal('conversation.read'),
    conversationId: v.string(),
    reader: v.object({ kind: v.picklist(['visitor', 'agent']), id: v.string() }),
    seq: v.number(),
    readAt: v.string(),
  }),
  /** Whether anyone can answer now; sent to visitors after `hello` and whenever it changes. */
  v.object({ type: v.literal('availability'), status: AvailabilitySchema }),
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
  ...RoutingFrameSchemas,
  QueuePositionFrameSchema,
]))();

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
export type SystemEvent = v.InferOutput<typeof SystemEventSchema>;
/** A file attached to a message. */
export type Attachment = v.InferOutput<typeof AttachmentSchema>;
/** Whether anyone can answer now. */
export type Availability = v.InferOutput<typeof AvailabilitySchema>;

// ---------------------------------------------------------------------------------------------
// Messenger settings (HTTP: GET /api/visitor/app, GET and PATCH /api/agent/apps/:appId/settings)

/** Whether the messenger asks for a pre-chat field: not at all, optionally, or before the first message. */
export const PRE_CHAT_MODES = ['off', 'optional', 'required'] as const;
/** How the messenger asks for one pre-chat field. */
export type PreChatMode = (typeof PRE_CHAT_MODES)[number];

/** The longest bot auto-reply, in characters. */
export const MAX_BOT_TEXT = 1000;

/** A change to an app's messenger settings; every field is optional, unnamed ones stay as they are. */
export const AppSettingsUpdateSchema = v.strictObject({
  preChat: v.optional(v.strictObject({ name: v.optional(v.picklist(PRE_CHAT_MODES)), email: v.optional(v.picklist(PRE_CHAT_MODES)) })),
  bot: v.optional(
    v.strictObject({
      enabled: v.optional(v.boolean()),
      text: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_BOT_TEXT)))),
    }),
  ),
});
/** A change to an app's messenger settings. */
export type AppSettingsUpdate = v.InferOutput<typeof AppSettingsUpdateSchema>;

/** An app's messenger settings. */
export interface AppSettings {
  preChat: { name: PreChatMode; email: PreChatMode };
  /** The auto-reply the gateway posts when a visitor starts a conversation. */
  bot: { enabled: boolean; text: string | null };
}

/** What the widget reads at start (`GET /api/visitor/app`): the app's name, settings, limit and availability. */
export interface VisitorApp extends AppSettings {
  name: string;
  maxMessageLength: number;
  availability: Availability;
}

// ---------------------------------------------------------------------------------------------
// Visitor identity (HTTP: POST /api/visitor/identify, GET and PATCH /api/visitor/me)

/** Limits of the visitor's identity and profile fields. */
export const IDENTITY_LIMITS = { userId: 256, name: 120, email: 254, attributes: 50, attributeKey: 64, attributeText: 1000 } as const;

// Schemas a bundle may leave out are wrapped in pure calls, so the limits they read stay out of the widget's bundles.
const identityName = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(IDENTITY_LIMITS.name)))();
const identityEmail = /* @__PURE__ */ (() => v.pipe(v.string(), v.trim(), v.maxLength(IDENTITY_LIMITS.email), v.email('must be an e-mail address')))();

/**
 * `POST /api/visitor/identify`: the website's user id and its signature, the HMAC-SHA256 (hex)
 * of the user id with the app's identity secret, computed by the website's server. `name` and
 * `email` are stored on the contact and the visitor.
 */
export const VisitorIdentifySchema = /* @__PURE__ */ (() =>
  v.strictObject({
    userId: v.pipe(
      v.string(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(IDENTITY_LIMITS.userId),
      v.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
    ),
    signature: v.optional(v.pipe(v.string(), v.maxLength(128))),
    name: v.optional(identityName),
    email: v.optional(identityEmail),
  }))();
/** A signed identity as the gateway reads it. */
export type VisitorIdentify = v.InferOutput<typeof VisitorIdentifySchema>;

/** A custom attribute's name: a letter, then letters, digits, `_`, `.` or `-`, at most 64 characters. */
export const AttributeKeySchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and have at most 64 letters, digits, _, . or -'),
);

/** A custom attribute's value: text (at most 1000 characters), a finite number or a boolean; null removes it. */
export const AttributeValueSchema = /* @__PURE__ */ (() =>
  v.nullable(
    v.union([v.pipe(v.string(), v.maxLength(IDENTITY_LIMITS.attributeText)), v.pipe(v.number(), v.finite()), v.boolean()], 'must be a string, a number or a boolean'),
  ))();

/** The languages the widget speaks, and so the ones the gateway writes to a visitor in (English first, the fallback). */
export const VISITOR_LOCALES = ['en', 'nl', 'tr', 'it'] as const;
/** One of the languages the widget speaks. */
export type VisitorLocale = (typeof VISITOR_LOCALES)[number];

/** The language a visitor reads (`POST /api/visitor/sessions`, `PATCH /api/visitor/me`): one of `VISITOR_LOCALES`. */
export const VisitorLocaleSchema = /* @__PURE__ */ (() => v.picklist(VISITOR_LOCALES, `must be one of ${VISITOR_LOCALES.join(', ')}`))();

/**
 * `PATCH /api/visitor/me`: the visitor's own name, e-mail, language and custom attributes. Null
 * clears `name` or `email`; attributes merge key by key, and null removes one. A visitor keeps at
 * most 50 attributes.
 */
export const VisitorUpdateSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    name: v.optional(v.nullable(identityName)),
    email: v.optional(v.nullable(identityEmail)),
    locale: v.optional(VisitorLocaleSchema),
    attributes: v.optional(
      v.pipe(
        v.record(AttributeKeySchema, AttributeValueSchema),
        v.check((record) => Object.keys(record).length <= IDENTITY_LIMITS.attributes, `must have at most ${IDENTITY_LIMITS.attributes} attributes`),
      ),
    ),
  }))();
/** A change to the visitor's own profile. */
export type VisitorUpdate = v.InferOutput<typeof VisitorUpdateSchema>;

/** The visitor as they see themselves (`GET` and `PATCH /api/visitor/me`). */
export interface VisitorProfile {
  visitorId: string;
  name: string | null;
  email: string | null;
  attributes: Record<string, string | number | boolean>;
  /** Whether the website vouched for this visitor with a signed identity. */
  identified: boolean;
  /** The website's user id, when identified. */
  userId?: string;
}

/** What `POST /api/visitor/identify` answers. */
export interface VisitorIdentified {
  visitorId: string;
  userId: string;
  /** Whether this session joined the visitor of an earlier device, bringing its conversations. */
  merged: boolean;
}
