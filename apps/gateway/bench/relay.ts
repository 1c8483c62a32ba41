import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The baseline: a bare `ws` relay that parses each frame as JSON and re-serializes it to the
 * pair's other socket, storing nothing. What Parley adds on top (validation, authorization,
 * persistence, fan-out) is measured against this.
 */
export async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const pairs = new Map<string, Set<WebSocket>>();
  server.on('connection', (socket, request) => {
    const pair = new URL(request.url ?? '/', 'http://x').searchParams.get('pair') ?? '';
    const set = pairs.get(pair) ?? new Set();
    set.add(socket);
    pairs.set(pair, set);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      const out = JSON.stringify({ type: 'message.created', message: { ...frame, seq: 0 } });
      for (const peer of set) if (peer !== socket) peer.send(out);
    });
    socket.on('close', () => set.delete(socket));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
