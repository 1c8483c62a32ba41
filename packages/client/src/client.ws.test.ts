import { PROTOCOL_VERSION, SUBPROTOCOL, type ServerFrame } from '@parley/protocol';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createClient } from './light.ts';
import type { ClientOptions, ParleyClient } from './client.ts';

// Both real constructors must type-check as the WebSocket option.
const _browser: ClientOptions['WebSocket'] = undefined as unknown as typeof globalThis.WebSocket;
const _ws: ClientOptions['WebSocket'] = WebSocket;

let server: WebSocketServer | undefined;
let client: ParleyClient | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A minimal gateway: says hello, acks every message.send and answers ping. */
async function startServer(seen: { url?: string; protocol?: string }) {
  server = new WebSocketServer({ port: 0, handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
  server.on('connection', (socket, request) => {
    seen.url = request.url;
    seen.protocol = socket.protocol;
    const reply = (frame: ServerFrame) => socket.send(JSON.stringify(frame));
    reply({ type: 'hello', protocol: 1, versions: [1], principal: { kind: 'visitor', id: 'v1' }, heartbeatMs: 30_000, limits: { maxMessageLength: 1000, maxFrameBytes: 65_536 } });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ping') reply({ type: 'pong', ref: frame.ref });
      if (frame.type === 'message.send') {
        reply({ type: 'message.ack', ref: frame.ref, conversationId: 'c1', clientMessageId: frame.clientMessageId, messageId: 'x1', seq: 1, createdAt: new Date().toISOString(), duplicate: false });
      }
    });
  });
  await new Promise((resolve) => server!.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

describe('createClient over a real ws socket', () => {
  it('negotiates parley, sends v, and gets acks and pongs when talking to a ws server', async () => {
    const seen: { url?: string; protocol?: string } = {};
    const port = await startServer(seen);
    client = createClient({ url: `ws://127.0.0.1:${port}/ws`, WebSocket, protocols: () => ['parley-token.t1'] });
    const { acked } = client.send({ conversationId: 'c1', body: 'hello over the wire' });
    client.connect();
    await expect(acked).resolves.toMatchObject({ type: 'message.ack', seq: 1 });
    await expect(client.request({ type: 'ping' })).resolves.toMatchObject({ type: 'pong' });
    expect(client.state).toBe('open');
    expect(seen).toEqual({ url: `/ws?v=${PROTOCOL_VERSION}`, protocol: SUBPROTOCOL });
    expect(client.pending()).toEqual([]);
  });
});
