import { createClient, type ClientOptions, type OutboxStore, type ParleyClient } from '@parley/client';
import { TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';

/** The part of `@parley/client` the messenger uses. */
export type MessengerConnection = Pick<ParleyClient, 'state' | 'connect' | 'close' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor' | 'on'>;

/** A visitor session issued by the gateway. */
export interface VisitorSession {
  token: string;
  visitorId: string;
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
 * set headers on a WebSocket).
 */
export function createVisitorTransport({ baseUrl, appId, fetch = globalThis.fetch.bind(globalThis), WebSocket }: VisitorTransportOptions): MessengerTransport {
  async function createSession(): Promise<VisitorSession> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/visitor/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId }),
        credentials: 'omit',
      });
    } catch (error) {
      throw transportError('NETWORK', `Cannot reach ${baseUrl}: ${String(error)}`, 0);
    }
    const body = (await response.json().catch(() => undefined)) as (VisitorSession & { error?: { code?: string; message?: string } }) | undefined;
    if (!response.ok || !body?.token) {
      throw transportError(body?.error?.code ?? `HTTP_${response.status}`, body?.error?.message ?? response.statusText, response.status);
    }
    return body;
  }

  return {
    createSession,
    createConnection: (token, outbox) =>
      createClient({
        url: `${baseUrl}/ws/visitor`,
        protocols: () => [TOKEN_SUBPROTOCOL_PREFIX + token()],
        outbox,
        ...(WebSocket && { WebSocket }),
      }),
  };
}
