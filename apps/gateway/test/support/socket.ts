import type { ServerFrame } from '@parley/protocol';
import { WebSocket } from 'ws';

/** A real `ws` client that records every frame it receives, for assertions. */
export interface TestSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Resolves with the first recorded or future frame that matches, after `from` (an index). */
  next<T extends ServerFrame['type']>(type: T, match?: (f: Extract<ServerFrame, { type: T }>) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<Extract<ServerFrame, { type: T }>>;
  /** Like `next`, for the first frame of any type that matches. */
  nextWhere(match: (f: ServerFrame) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<ServerFrame>;
  send(frame: unknown): void;
  sendRaw(text: string | Buffer): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens a socket and waits for it to open (or to be refused, which rejects). */
export function openSocket(url: string, options: { origin?: string; protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, options.protocols ?? ['parley'], {
    ...(options.origin && { origin: options.origin }),
    headers: options.headers ?? {},
    autoPong: options.autoPong ?? true,
  });
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as ServerFrame);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...waiters]) w();
    }),
  );
  const socket: TestSocket = {
    ws,
    frames,
    closed,
    next: (type, match, options) => waitFor((f) => f.type === type && (!match || match(f as never)), `${type} frame`, options) as never,
    nextWhere: (match, options) => waitFor(match, 'matching frame', options),
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (text) => ws.send(text),
    close: () => ws.close(),
  };
  function waitFor(match: (f: ServerFrame) => boolean, what: string, { timeoutMs = 10_000, from = 0 } = {}): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = frames.slice(from).find(match);
        if (found) {
          cleanup();
          resolve(found as never);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; got: ${JSON.stringify(frames.slice(-5))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}
