import { readdirSync, readFileSync } from 'node:fs';
import { WebSocket } from 'ws';

/** A frame as the load reads it. */
export interface LoadFrame {
  type: string;
  message?: { body: string; author?: { kind: string } };
}

/** One side of a pair: a socket, how to send a message on it, and which frames carry the peer's messages. */
export interface Side {
  socket: WebSocket;
  /** Sends a message whose body starts with `id` and a space. */
  send(id: string, body: string): void;
  /** The id of a message the other side wrote, or undefined for any other frame. */
  incoming(frame: LoadFrame): string | undefined;
}

/** The id a load message carries at the start of its body. */
export const idOf = (frame: LoadFrame) => frame.message?.body.split(' ', 1)[0];

/** Results of one load run. */
export interface LoadResult {
  messages: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time of this process (server and clients alike) per counted message, in microseconds. */
  cpuPerMessage: number;
  /** CPU time of the database server's processes per counted message, in microseconds, where it can be read. */
  dbCpuPerMessage?: number | undefined;
}

/** Message ids stay unique across runs: a gateway takes a reused id for a resend. */
let next = 0;

/**
 * Closed-loop load: every side keeps `window` messages in flight to its peer; a message counts
 * when the peer receives it, and its latency is send → receipt (one process, one clock).
 */
export async function runLoad(
  pairs: [Side, Side][],
  { seconds, window, warmupSeconds = 1, dbCpu }: { seconds: number; window: number; warmupSeconds?: number; dbCpu?: (() => number | undefined) | undefined },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let counted = 0;
  let measuring = false;
  let running = true;
  const sentAt = new Map<string, number>();
  const body = 'x'.repeat(120);

  const fire = (side: Side) => {
    if (!running) return;
    const id = `b${next++}`;
    sentAt.set(id, performance.now());
    side.send(id, body);
  };

  const listeners: [Side, (data: Buffer) => void][] = [];
  for (const [a, b] of pairs) {
    for (const [me, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      const listener = (data: Buffer) => {
        const id = me.incoming(JSON.parse(data.toString()) as LoadFrame);
        if (id === undefined) return;
        const start = sentAt.get(id);
        if (start === undefined) return;
        sentAt.delete(id);
        if (measuring) {
          latencies.push(performance.now() - start);
          counted += 1;
        }
        // The peer's message arrived: the peer may send its next one.
        fire(peer);
      };
      me.socket.on('message', listener);
      listeners.push([me, listener]);
    }
  }
  for (const [a, b] of pairs) for (let i = 0; i < window; i++) (fire(a), fire(b));
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  measuring = true;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const db = dbCpu?.();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const used = process.cpuUsage(cpu);
  const dbUsed = db === undefined ? undefined : dbCpu!()! - db;
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  // Let what is in flight land, so the next run starts from quiet sockets.
  await new Promise((r) => setTimeout(r, 500));
  for (const [side, listener] of listeners) side.socket.off('message', listener);
  latencies.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { messages: counted, seconds: elapsed, perSecond: counted / elapsed, p50: at(0.5), p99: at(0.99), cpuPerMessage: (used.user + used.system) / counted, dbCpuPerMessage: dbUsed === undefined ? undefined : dbUsed / counted };
}

/** Opens a socket and resolves once it is open (and, if `firstFrame`, once a frame arrived). */
export function connect(url: string, options: { protocols?: string[]; origin?: string; headers?: Record<string, string>; firstFrame?: boolean } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { ...(options.origin && { origin: options.origin }), headers: options.headers ?? {} });
    ws.once('error', reject);
    if (options.firstFrame) ws.once('message', () => resolve(ws));
    else ws.once('open', () => resolve(ws));
  });
}

/**
 * CPU time (µs) used so far by every PostgreSQL server process on this machine (Linux `/proc`,
 * ticks of 10 ms), or undefined where it cannot be read: the database's cost per message.
 */
export function postgresCpu(): number | undefined {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // The command is in parentheses and may hold spaces; utime and stime are the 12th and 13th fields after it.
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
    return ticks * 10_000;
  } catch {
    return undefined;
  }
}
