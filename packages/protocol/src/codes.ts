/**
 * Stable error codes, on the wire and in HTTP bodies. Each has a row in docs/protocol.md
 * ("code | meaning | how to fix"). Never rename one: clients switch on them.
 */
export const ErrorCode = {
  /** The frame is not valid JSON. */
  BAD_JSON: 'BAD_JSON',
  /** The frame's `type` is not one this socket accepts. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** The frame has the right type but the wrong shape. */
  INVALID_FRAME: 'INVALID_FRAME',
  /** A message body is longer than the app allows. */
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  /** A frame exceeded the frame size limit (also close code 1009). */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** The thing does not exist, or is not yours: the two answer the same. */
  NOT_FOUND: 'NOT_FOUND',
  /** The client message id was already used with a different body. */
  CONFLICT: 'CONFLICT',
  /** No valid session. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The principal may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The request's Origin is not allowed for this app or the console. */
  FORBIDDEN_ORIGIN: 'FORBIDDEN_ORIGIN',
  /** Too many frames or requests; slow down. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The client speaks a protocol version the gateway no longer accepts. */
  VERSION_UNSUPPORTED: 'VERSION_UNSUPPORTED',
  /** An HTTP request body exceeds the size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The request body or query is invalid (HTTP). */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** Wrong e-mail or password. */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** The database does not answer. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The app asks for the visitor's name or e-mail before a conversation starts (`PATCH /api/visitor/me`). */
  PRECHAT_REQUIRED: 'PRECHAT_REQUIRED',
  /** `POST /api/visitor/identify` came without a `signature`: the website's server must sign the user id. */
  SIGNATURE_REQUIRED: 'SIGNATURE_REQUIRED',
  /** The identity's signature is not the HMAC-SHA256 of the user id with the app's identity secret. Nothing changed. */
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  /** The session already belongs to another verified user; end it (`shutdown`) and start a new one. */
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
  /** The app lets only identified visitors send messages or start conversations. */
  IDENTITY_REQUIRED: 'IDENTITY_REQUIRED',
  /** Anything unexpected; the details are in the server log, never on the wire. */
  INTERNAL: 'INTERNAL',
  /** An uploaded file is not one of the allowed types, judged by its bytes, or its name's extension contradicts them. */
  FILE_TYPE_NOT_ALLOWED: 'FILE_TYPE_NOT_ALLOWED',
  /** An uploaded file is larger than the gateway's upload limit. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** Resolving a chat needs a wrap-up reason from the workspace's list. */
  WRAP_UP_REQUIRED: 'WRAP_UP_REQUIRED',
  /** The agent holds as many chats as their limit allows, or is not Online; resolve one or go Online. */
  AT_CHAT_LIMIT: 'AT_CHAT_LIMIT',
  /** The offer was already answered, ran out, or someone else took the chat. */
  OFFER_GONE: 'OFFER_GONE',
  /** The visitor (or their IP address) is blocked in this workspace: no new sessions, sockets or messages. */
  BLOCKED: 'BLOCKED',
  /** A destructive request did not repeat the id of what it deletes in `confirm`. Nothing changed. */
  CONFIRMATION_REQUIRED: 'CONFIRMATION_REQUIRED',
} as const;

/** One of the stable error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes Parley uses (4000–4999 are the application's range, RFC 6455 §7.4.2). */
export const CloseCode = {
  /** Normal closure, e.g. sign-out. */
  NORMAL: 1000,
  /** The gateway is shutting down; reconnect. */
  GOING_AWAY: 1001,
  /** A frame exceeded the size limit (RFC 6455 "message too big"). A client that stops reading
   * or misses heartbeats is dropped without a close frame (1006): it would never read one. */
  FRAME_TOO_LARGE: 1009,
  /** No valid session: sign in again or create a new visitor session. */
  UNAUTHORIZED: 4001,
  /** The client's protocol version is not accepted: reload the page. */
  RELOAD: 4002,
  /** The session ended (signed out or shut down elsewhere). */
  SESSION_ENDED: 4010,
  /** The session's identity changed (a signed identify linked or merged its visitor): reconnect to act as the identified visitor. */
  IDENTITY_CHANGED: 4011,
  /** An agent blocked the visitor: the socket was closed after an `error` frame with code `BLOCKED`; do not reconnect. */
  BLOCKED: 4012,
} as const;

/** One of Parley's close codes. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: readonly number[] = [CloseCode.UNAUTHORIZED, CloseCode.RELOAD, CloseCode.SESSION_ENDED, CloseCode.BLOCKED];

/**
 * Why one field of a form was refused, in `error.fields[].code` of a 400 `INVALID_REQUEST`
 * (e.g. `POST /api/visitor/tickets`). Clients show their own translated text per code; each has
 * a row in docs/errors.md. Never rename one.
 */
export const FieldErrorCode = {
  /** The field is missing or empty (blank after trimming). */
  REQUIRED: 'REQUIRED',
  /** The field is longer than its limit; `max` says the limit. */
  TOO_LONG: 'TOO_LONG',
  /** The field is not an e-mail address. */
  INVALID_EMAIL: 'INVALID_EMAIL',
  /** The field has the wrong JSON type (e.g. a number where text belongs). */
  INVALID_TYPE: 'INVALID_TYPE',
  /** The body has a field the request does not take. */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** Any other value the field does not accept. */
  INVALID_VALUE: 'INVALID_VALUE',
} as const;

/** One of the field error codes. */
export type FieldErrorCode = (typeof FieldErrorCode)[keyof typeof FieldErrorCode];
