export {
  createClient,
  type AckFrame,
  type ClientError,
  type ClientEvents,
  type ClientOptions,
  type ClientState,
  type ParleyClient,
  type ParleyError,
  type RequestFrame,
  type RequestResults,
  type SendInput,
  type SocketEvent,
  type WebSocketLike,
} from './client.ts';
export { localStorageOutboxStore, memoryOutboxStore, type OutboxEntry, type OutboxStore } from './outbox.ts';
export type { BackoffOptions } from './backoff.ts';
