import type { ClientOptions, OutboxStore, ParleyClient } from '@parley/client/light';
import { TOKEN_SUBPROTOCOL_PREFIX, type VisitorApp } from '@parley/protocol';
import { lazyConnection } from './lazy-connection.ts';

/** The part of `@parley/client` the messenger uses. */
export type MessengerConnection = Pick<ParleyClient, 'state' | 'connect' | 'close' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor' | 'on'>;

/** A visitor session issued by the gateway. */
export interface VisitorSession {
  token: string;
  visitorId: string;
}

/** What `GET /api/visitor/app` answers: the app's name, settings, limit, availability and the visitor's own details. */
export type MessengerApp = VisitorApp & { visitor: { name: string | null; email: string | null } };

/** The visitor's own details the messenger may set (`PATCH /api/visitor/me`). */
export interface ProfilePatch {
  name?: string;
  email?: string;
}

/**
 * Everything the messenger model needs from the network; tests pass a fake. The conversation
 * list and history are read over the socket (`request`), which always carries the page's Origin.
 */
export interface MessengerTransport {
  /** Starts a new anonymous visitor session for the app. */
  createSession(): Promise<VisitorSession>;
  /** A connection (not yet connected) that authenticates with whatever `token()` returns at connect time. */
  createConnection(token: () => string, outbox: OutboxStore): MessengerConnection;
  /** Reads the app's messenger settings and availability with the session's token. */
  app(token: string): Promise<MessengerApp>;
  /** Saves the visitor's name or e-mail (pre-chat form, "leave your e-mail"). */
  updateMe(token: string, patch: ProfilePatch): Promise<void>;
}

/** A failed HTTP call: the gateway's stable error code (or NETWORK) and the HTTP status (0 when none came). */
export type TransportError = Error & { code: string; status: number };

/** Makes a TransportError. */
export const transportError = (code: string, message: string, status: number): TransportError =>
  Object.assign(new Error(message), { name: 'TransportError', code, status });

/** Whether `error` is a TransportError, optionally with the given code. */
export const isTransportError = (error: unknown, code?: string): error is TransportError =>
  error instanceof Error && error.name === 'TransportError' && (code === undefined || (error as TransportError).code === code);

/** What the real transport needs: the gateway's base URL and the app; `fetch` and `WebSocket` are injectable. */
export interface VisitorTransportOptions {
  baseUrl: string;
  appId: string;
  fetch?: typeof globalThis.fetch;
  WebSocket?: ClientOptions['WebSocket'];
}

/**
 * The messenger's transport over the gateway's visitor API: an HTTP POST for the session, then
 * `@parley/client` on `/ws/visitor` with the token in the subprotocol list (browsers cannot
 * set headers on a WebSocket). The client is a chunk of its own (`lazyConnection`).
 */
export function createVisitorTransport({ baseUrl, appId, fetch = globalThis.fetch.bind(globalThis), WebSocket }: VisitorTransportOptions): MessengerTransport {
  /** One JSON call to the visitor API; a failure is a TransportError with the gateway's code. */
  async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(baseUrl + path, {
        method,
        headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        credentials: 'omit',
      });
    } catch (error) {
      throw transportError('NETWORK', `Cannot reach ${baseUrl}: ${String(error)}`, 0);
    }
    const json = (await response.json().catch(() => undefined)) as (T & { error?: { code?: string; message?: string } }) | undefined;
    if (!response.ok || !json) {
      throw transportError(json?.error?.code ?? `HTTP_${response.status}`, json?.error?.message ?? response.statusText, response.status);
    }
    return json;
  }

  return {
    async createSession() {
      const session = await call<VisitorSession>('POST', '/api/visitor/sessions', undefined, { appId });
      if (!session.token) throw transportError('HTTP_200', 'No token in the answer.', 200);
      return session;
    },
    app: (token) => call<MessengerApp>('GET', '/api/visitor/app', token),
    updateMe: (token, patch) => call<unknown>('PATCH', '/api/visitor/me', token, patch).then(() => {}),
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
