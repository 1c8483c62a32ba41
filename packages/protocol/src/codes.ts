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
  /** Anything unexpected; the details are in the server log, never on the wire. */
  INTERNAL: 'INTERNAL',
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
} as const;

/** One of Parley's close codes. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: readonly number[] = [CloseCode.UNAUTHORIZED, CloseCode.RELOAD, CloseCode.SESSION_ENDED];
