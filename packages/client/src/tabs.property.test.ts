import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { structuralChecks } from './checks.ts';
import { createClient, type ParleyClient } from './client.ts';
import { FakeSocket } from './fake-socket.ts';
import { localStorageOutboxStore } from './outbox.ts';

// Generated schedules, many runs: several tabs of one site share the outbox's storage key, write
// messages online and offline, lose their sockets, get acks, and close. No message is ever lost:
// one the server has not stored is always in storage, and a tab opened at the end sends them all.

const KEY = 'parley:app:outbox';

type Step =
  | { kind: 'open' }
  | { kind: 'send'; tab: number }
  | { kind: 'connect'; tab: number }
  | { kind: 'ack'; tab: number; count: number }
  | { kind: 'drop'; tab: number }
  | { kind: 'close'; tab: number };

const tab = fc.nat({ max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'open' } as const) },
  { weight: 4, arbitrary: tab.map((t) => ({ kind: 'send', tab: t }) as const) },
  { weight: 2, arbitrary: tab.map((t) => ({ kind: 'connect', tab: t }) as const) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), tab, count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: tab.map((t) => ({ kind: 'drop', tab: t }) as const) },
  { weight: 1, arbitrary: tab.map((t) => ({ kind: 'close', tab: t }) as const) },
);

interface Tab {
  client: ParleyClient;
  sockets: FakeSocket[];
  /** The client's timers (its reconnect after a drop), run when a step says so. */
  timers: (() => void)[];
}

/** Plays the steps against real clients over one storage; returns what was sent and what the server stored. */
function play(steps: Step[]) {
  const data = new Map<string, string>();
  const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
  const stored = new Map<string, number>(); // clientMessageId → seq, as the server keeps them.
  const written: string[] = [];
  const tabs: Tab[] = [];
  let ids = 0;

  const open = (): Tab => {
    const sockets: FakeSocket[] = [];
    const timers: (() => void)[] = [];
    const client = createClient({
      checks: structuralChecks,
      url: 'ws://parley.test/ws',
      outbox: localStorageOutboxStore(storage, KEY),
      WebSocket: class extends FakeSocket {
        constructor(url: string, protocols?: string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      },
      setTimeout: (callback: () => void) => timers.push(callback),
      clearTimeout: () => {},
      newId: () => `m${++ids}`,
    });
    const opened = { client, sockets, timers };
    tabs.push(opened);
    return opened;
  };
  const connect = ({ client, sockets, timers }: Tab) => {
    const last = sockets.at(-1);
    if (last && last.readyState !== 3) return;
    if (client.state === 'idle') client.connect();
    // A dropped socket's client waits on its reconnect timer: this step is that timer firing.
    else timers.splice(0).forEach((fire) => fire());
    const socket = sockets.at(-1);
    if (!socket || socket === last) return;
    socket.open();
    socket.hello();
  };
  const ack = ({ sockets }: Tab, count: number) => {
    const socket = sockets.at(-1);
    if (!socket || socket.readyState !== 1) return;
    for (const frame of socket.sent.splice(0, count)) {
      if (frame.type !== 'message.send') continue;
      const id = frame.clientMessageId as string;
      const duplicate = stored.has(id);
      if (!duplicate) stored.set(id, stored.size + 1);
      socket.receive({ type: 'message.ack', ref: frame.ref as string, conversationId: 'c1', clientMessageId: id, messageId: `id-${id}`, seq: stored.get(id)!, createdAt: '2024-01-01T00:00:00Z', duplicate });
    }
  };
  const inStorage = () => localStorageOutboxStore(storage, KEY).load().map((e) => e.clientMessageId);
  const noneLost = () => {
    const kept = new Set(inStorage());
    for (const id of written) if (!stored.has(id) && !kept.has(id)) throw new Error(`${id} is neither stored by the server nor in storage`);
  };

  open();
  for (const s of steps) {
    const at = tabs.length ? tabs[s.kind === 'open' ? 0 : s.tab % tabs.length]! : undefined;
    if (s.kind === 'open') open();
    else if (!at) continue;
    else if (s.kind === 'send') written.push(at.client.send({ conversationId: 'c1', body: `message ${written.length + 1}` }).clientMessageId);
    else if (s.kind === 'connect') connect(at);
    else if (s.kind === 'ack') ack(at, s.count);
    else if (s.kind === 'drop') {
      const socket = at.sockets.at(-1);
      if (socket && socket.readyState !== 3) socket.drop();
    }
    else {
      at.client.close();
      tabs.splice(tabs.indexOf(at), 1);
    }
    noneLost();
  }
  // Every tab closes; a new one opens, connects and gets every ack.
  for (const { client } of tabs.splice(0)) client.close();
  const last = open();
  connect(last);
  ack(last, Infinity);
  return { written, stored, left: inStorage(), pending: last.client.pending() };
}

describe('an outbox shared by tabs, on generated schedules', () => {
  it('never loses a message: until the server stores it, it is in storage, and the next tab sends it', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { written, stored, left, pending } = play(steps);
        expect([...stored.keys()].sort()).toEqual([...written].sort());
        expect(left).toEqual([]);
        expect(pending).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
