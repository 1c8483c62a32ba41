import type { ClientOptions, OutboxStore, ParleyClient } from '@parley/client/light';
import { TOKEN_SUBPROTOCOL_PREFIX, type VisitorApp } from '@parley/protocol';
import type { MessengerHost } from '../shared/messenger-contract.ts';
import { lazyConnection } from './lazy-connection.ts';

/** The part of `@parley/client` the messenger uses. */
export type MessengerConnection = Pick<ParleyClient, 'state' | 'connect' | 'close' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor' | 'on'>;

/** What `GET /api/visitor/app` answers: the app's name, settings, limit, availability and the visitor's own details. */
export type MessengerApp = VisitorApp & { visitor: { name: string | null; email: string | null } };

/** The visitor's own details the messenger may set (`PATCH /api/visitor/me`). */
export interface ProfilePatch {
  name?: string;
  email?: string;
}

/**
 * Everything the messenger model needs from the network besides the session (the SDK's); tests
 * pass a fake. The conversation list and history are read over the socket (`request`), which
 * always carries the page's Origin.
 */
export interface MessengerTransport {
  /** A connection (not yet connected) that authenticates with whatever `token()` returns at connect time. */
  createConnection(token: () => string, outbox: OutboxStore): MessengerConnection;
  /** Reads the app's messenger settings and availability. */
  app(): Promise<MessengerApp>;
  /** Saves the visitor's name or e-mail (pre-chat form, "leave your e-mail"). */
  updateMe(patch: ProfilePatch): Promise<unknown>;
}

/** What the real transport needs: the gateway's base URL and the SDK's calls to the visitor API; `WebSocket` is injectable. */
export interface VisitorTransportOptions {
  baseUrl: string;
  request: MessengerHost['request'];
  WebSocket?: ClientOptions['WebSocket'];
}

/**
 * The messenger's transport over the gateway's visitor API: the app's settings and the
 * visitor's details through the SDK's session (which adds the token), and `@parley/client` on
 * `/ws/visitor` with the session's token in the subprotocol list (browsers cannot set headers on
 * a WebSocket). The client is a chunk of its own (`lazyConnection`).
 */
export function createVisitorTransport({ baseUrl, request, WebSocket }: VisitorTransportOptions): MessengerTransport {
  return {
    app: () => request('GET', '/api/visitor/app'),
    updateMe: (patch) => request('PATCH', '/api/visitor/me', patch),
    // The client's code loads in the background while the panel shows and the session is made.
    createConnection: (token, outbox) =>
      lazyConnection(
        () =>
          import('@parley/client/light').then(({ createClient }) => () =>
            createClient({
              url: `${baseUrl}/ws/visitor`,
              protocols: () => [TOKEN_SUBPROTOCOL_PREFIX + token()],
              outbox,
              ...(WebSocket && { WebSocket }),
            }),
          ),
        outbox,
      ),
  };
}
