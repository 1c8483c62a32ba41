import { createClient as create, type ClientOptions, type ParleyClient } from './client.ts';
import { protocolChecks } from './validate.ts';

export {
  type AckFrame,
  type ClientError,
  type ClientEvents,
  type ClientOptions,
  type ClientState,
  type NotReplayed,
  type ParleyClient,
  type ParleyError,
  type RequestFrame,
  type RequestResults,
  type SendInput,
  type SocketEvent,
  type WebSocketLike,
} from './client.ts';
export { localStorageOutboxStore, memoryOutboxStore, type OutboxEntry, type OutboxStore } from './outbox.ts';
export { structuralChecks, type FrameChecks } from './checks.ts';
export { protocolChecks } from './validate.ts';
export type { BackoffOptions } from './backoff.ts';
export type { Network } from './network.ts';

/**
 * Creates the client (see `client.ts`), checking every frame with the protocol's schemas unless
 * `options.checks` says otherwise.
 *
 * @example
 * const client = createClient({ url: 'wss://chat.example.com/ws/agent' });
 * client.on('message', (m) => render(m));
 * client.connect();
 */
export function createClient(options: ClientOptions): ParleyClient {
  return create({ ...options, checks: options.checks ?? protocolChecks });
}
