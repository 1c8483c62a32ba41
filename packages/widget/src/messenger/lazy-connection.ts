import type { AckFrame, ClientEvents, OutboxEntry, OutboxStore, ParleyClient, SendInput } from '@parley/client/light';
import { PROTOCOL_VERSION } from '@parley/protocol';
import type { MessengerConnection } from './transport.ts';

type Listener = [event: keyof ClientEvents, listener: (payload: never) => void, off?: () => void];
type Deferred = { resolve(frame: AckFrame): void; reject(error: unknown): void };

/**
 * A connection that is usable at once while its code (`@parley/client`, which `load` imports and
 * answers a factory of) loads in the background:
 * the panel shows without waiting for it, and it arrives while the session is being made (a
 * socket needs the session first anyway). Until then listeners, cursors, requests and `connect`
 * are kept and handed over in order; a message sent meanwhile is saved in the outbox store at
 * once (it survives a reload) and handed to the client when it loads, which settles its `acked`.
 * `close` before the client has loaded keeps those messages in the store for the next connection.
 */
export function lazyConnection(load: () => Promise<() => ParleyClient>, outbox: OutboxStore, newId: () => string = () => crypto.randomUUID()): MessengerConnection {
  let client: ParleyClient | undefined;
  let closed = false;
  let connecting = false;
  const listeners: Listener[] = [];
  const cursors = new Map<string, number>();
  // Messages sent before the client loaded: their input, the entry saved for them, and their `acked`.
  const waiting: [input: SendInput, entry: OutboxEntry, acked: Deferred][] = [];

  const loaded = load().then((create) => {
    if (closed) throw new Error('The connection was closed.');
    // The client is made from the store without the entries saved here: `send` saves them again, with their `acked`.
    outbox.save(outbox.load().filter((e) => !waiting.some(([, entry]) => entry.clientMessageId === e.clientMessageId)));
    const real = (client = create());
    for (const [conversationId, seq] of cursors) real.setCursor(conversationId, seq);
    for (const entry of listeners) entry[2] = real.on(entry[0], entry[1] as (payload: unknown) => void);
    for (const [input, , acked] of waiting.splice(0)) real.send(input).acked.then(acked.resolve, acked.reject);
    if (connecting) real.connect();
    return real;
  });
  loaded.catch(() => {
    // Offline or closed: the messages stay in the store; the next connection sends them.
    connecting = false;
    closed = true;
  });

  return {
    get state() {
      return client ? client.state : closed ? 'closed' : connecting ? 'connecting' : 'idle';
    },
    connect() {
      if (client) return client.connect();
      connecting = true;
    },
    close() {
      closed = true;
      client?.close();
    },
    send(input) {
      if (client) return client.send(input);
      const entry: OutboxEntry = { v: PROTOCOL_VERSION, clientMessageId: newId(), ...input, createdAt: Date.now() };
      outbox.save([...outbox.load(), entry]);
      let acked!: Deferred;
      const promise = new Promise<AckFrame>((resolve, reject) => (acked = { resolve, reject }));
      promise.catch(() => {});
      waiting.push([input, entry, acked]);
      return { clientMessageId: entry.clientMessageId, acked: promise };
    },
    request: (frame) => loaded.then((real) => real.request(frame)),
    pending: () => (client ? client.pending() : outbox.load()),
    cursor: (conversationId) => (client ? client.cursor(conversationId) : cursors.get(conversationId)),
    setCursor(conversationId, seq) {
      if (client) client.setCursor(conversationId, seq);
      else cursors.set(conversationId, seq);
    },
    on(event, listener) {
      const entry: Listener = [event, listener as (payload: never) => void];
      entry[2] = client?.on(event, listener);
      listeners.push(entry);
      return () => {
        entry[2]?.();
        listeners.splice(listeners.indexOf(entry), 1);
      };
    },
  };
}
