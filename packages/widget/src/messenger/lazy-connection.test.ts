import { createClient, memoryOutboxStore, type ParleyClient } from '@parley/client/light';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from './fake-transport.ts';
import { lazyConnection } from './lazy-connection.ts';

/** A lazy connection whose client loads when the test says so, over a socket the test plays the server for. */
function setup() {
  const outbox = memoryOutboxStore();
  const sockets: FakeSocket[] = [];
  let arrive!: () => void;
  const loaded = new Promise<void>((resolve) => (arrive = resolve));
  const create = (): ParleyClient =>
    createClient({
      url: 'wss://chat.example.com/ws/visitor',
      outbox,
      WebSocket: class extends FakeSocket {
        constructor(url: string, protocols?: string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      },
    });
  let n = 0;
  const connection = lazyConnection(() => loaded.then(() => create), outbox, () => `early-${++n}`);
  const load = async () => {
    arrive();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { outbox, sockets, connection, load };
}

describe('lazyConnection', () => {
  it('hands listeners, cursors and connect over to the client once it has loaded', async () => {
    const { connection, sockets, load } = setup();
    const hellos: unknown[] = [];
    connection.on('hello', (hello) => hellos.push(hello));
    connection.setCursor('c1', 7);
    expect(connection.cursor('c1')).toBe(7);
    expect(connection.state).toBe('idle');
    connection.connect();
    expect(connection.state).toBe('connecting');
    expect(sockets).toHaveLength(0);
    await load();
    sockets[0]!.hello();
    expect(hellos).toHaveLength(1);
    expect(connection.state).toBe('open');
    expect(sockets[0]!.frames('resume')).toEqual([expect.objectContaining({ cursors: [{ conversationId: 'c1', seq: 7 }] })]);
  });

  it('saves a message sent before the client loaded at once, sends it once when it has, and settles its acked', async () => {
    const { connection, outbox, sockets, load } = setup();
    connection.connect();
    const { acked } = connection.send({ conversationId: 'c1', body: 'Hello' });
    // Saved before the client exists: a reload now still sends it.
    expect(outbox.load()).toEqual([expect.objectContaining({ clientMessageId: 'early-1', body: 'Hello' })]);
    expect(connection.pending()).toHaveLength(1);
    await load();
    sockets[0]!.hello();
    const sent = sockets[0]!.frames('message.send');
    expect(sent).toEqual([expect.objectContaining({ conversationId: 'c1', body: 'Hello' })]);
    sockets[0]!.serverSend({ type: 'message.ack', ref: sent[0]!.ref as string, conversationId: 'c1', clientMessageId: sent[0]!.clientMessageId as string, messageId: 'm1', seq: 1, createdAt: '2024-01-01T00:00:00Z', duplicate: false });
    await expect(acked).resolves.toMatchObject({ messageId: 'm1' });
    expect(outbox.load()).toEqual([]);
  });

  it('keeps a message in the store for the next connection when closed before the client loaded', async () => {
    const { connection, outbox, sockets, load } = setup();
    connection.send({ clientConversationId: 'k1', body: 'Later' });
    connection.close();
    await load();
    expect(connection.state).toBe('closed');
    expect(sockets).toHaveLength(0);
    expect(outbox.load()).toEqual([expect.objectContaining({ body: 'Later' })]);
    await expect(connection.request({ type: 'ping' })).rejects.toThrow();
  });
});
