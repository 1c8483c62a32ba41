// `@parley/client/light`: the same client with checks by shape alone (`structuralChecks`), so a
// bundle that imports it carries no schema library. The visitor widget uses it; the gateway
// validates every frame it accepts either way.
import { structuralChecks } from './checks.ts';
import { createClient as create, type ClientOptions, type ParleyClient } from './client.ts';

export type { AckFrame, ClientError, ClientEvents, ClientOptions, ClientState, NotReplayed, ParleyClient, ParleyError, RequestFrame, RequestResults, SendInput, SocketEvent, WebSocketLike } from './client.ts';
export { localStorageOutboxStore, memoryOutboxStore, type OutboxEntry, type OutboxStore } from './outbox.ts';
export type { FrameChecks } from './checks.ts';
export type { Network } from './network.ts';

/**
 * Creates the client, checking frames by shape alone unless `options.checks` says otherwise.
 *
 * @example
 * const client = createClient({ url: 'wss://chat.example.com/ws/visitor', protocols: () => [TOKEN_SUBPROTOCOL_PREFIX + token] });
 * client.connect();
 */
export function createClient(options: ClientOptions): ParleyClient {
  return create({ ...options, checks: options.checks ?? structuralChecks });
}
