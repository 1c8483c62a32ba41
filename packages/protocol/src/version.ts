/** The protocol version this build speaks. Sent in the WebSocket handshake as `?v=`. */
export const PROTOCOL_VERSION = 1;

/** The versions a gateway accepts: the current one and the one before it (DESIGN.md). */
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION, PROTOCOL_VERSION - 1].filter((v) => v >= 1);

/** The WebSocket subprotocol every Parley socket negotiates. */
export const SUBPROTOCOL = 'parley';

/** Prefix of the subprotocol entry that carries a visitor's session token in the handshake. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'parley-token.';
