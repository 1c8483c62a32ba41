import { createClient, memoryOutboxStore, type ParleyClient } from '@parley/client';
import { TOKEN_SUBPROTOCOL_PREFIX, type Message } from '@parley/protocol';
import fc from 'fast-check';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { cid, type TestGateway } from './gateway.ts';

// The promise behind the outbox and resume, tried on generated schedules: a visitor and an
// agent (both the real client library) write to one conversation while their sockets are
// closed by the gateway or cut dead under them at any moment, acks in flight included. Every
// message is stored exactly once, in the order its sender wrote it, and each side receives
// every message of the conversation it may read exactly once, in seq order: the agent all of
// them, numbered 1..N; the visitor all but the agent's internal notes, numbered 1..P. With
// several nodes, each connection goes to any of them, as behind a load balancer.

type Who = 'visitor' | 'agent';
type Step = { kind: 'send'; who: Who | 'note' } | { kind: 'close' | 'cut'; who: Who } | { kind: 'settle' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), who: fc.constantFrom<Who | 'note'>('visitor', 'agent', 'note') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'cut' as const), who: fc.constantFrom<Who>('visitor', 'agent') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

/** A real client whose sockets the test can cut (no close frame: what is in flight is lost); each connection goes to a node `pick` chooses. */
function client(nodes: TestGateway[], pick: () => number, path: string, headers: Record<string, string>, protocols: string[] = []) {
  const sockets: WebSocket[] = [];
  const Socket = class extends WebSocket {
    constructor(url: string, subprotocols?: string[]) {
      super(url, subprotocols, { origin: nodes[0]!.origin, headers });
      sockets.push(this);
    }
  };
  const received: Message[] = [];
  const parley: ParleyClient = createClient({
    url: () => `${nodes[pick() % nodes.length]!.wsUrl}${path}`,
    protocols: () => protocols,
    WebSocket: Socket as never,
    outbox: memoryOutboxStore(),
    backoff: { initialMs: 5, maxMs: 40 },
  });
  parley.on('message', (m) => received.push(m));
  parley.connect();
  return { parley, received, cut: () => sockets.at(-1)?.terminate() };
}

/** Waits for every ack, failing (rather than hanging) when one never comes. */
function allAcked(acks: Promise<unknown>[], written: Record<string, string[]>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not every message was acked within 10 s: ${JSON.stringify(written)}`)), 10_000);
  });
  return Promise.race([Promise.all(acks), late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `numRuns` generated schedules against the gateway nodes (all on one database; the
 * first one's origin is allowed for the demo app), the agent signed in with `cookie`.
 */
export async function deliveryUnderDrops(nodes: TestGateway[], cookie: string, numRuns: number): Promise<void> {
  const [first] = nodes as [TestGateway];
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 30 }), fc.infiniteStream(fc.nat()), async (steps, choices) => {
      const pick = () => choices.next().value as number;
      const { token, visitorId } = await first.visitor();
      const visitor = client(nodes, pick, '/ws/visitor', {}, [TOKEN_SUBPROTOCOL_PREFIX + token]);
      const agent = client(nodes, pick, '/ws/agent', { cookie });
      const written: Record<Who | 'note', string[]> = { visitor: [], agent: [], note: [] };
      const acks: Promise<unknown>[] = [];
      try {
        // The visitor opens the conversation; the agent follows it from its start (unless the
        // first message has reached it already, live).
        written.visitor.push(`visitor 0 ${cid()}`);
        const { conversationId } = await visitor.parley.send({ clientConversationId: cid(), body: written.visitor[0]! }).acked;
        if (agent.parley.cursor(conversationId) === undefined) agent.parley.setCursor(conversationId, 0);

        for (const s of steps) {
          if (s.kind === 'settle') await allAcked(acks, written);
          else if (s.kind === 'send') {
            const body = `${s.who} ${written[s.who].length} ${cid()}`;
            written[s.who].push(body);
            acks.push((s.who === 'visitor' ? visitor : agent).parley.send({ conversationId, body, ...(s.who === 'note' && { internal: true }) }).acked);
          } else if (s.kind === 'cut') (s.who === 'visitor' ? visitor : agent).cut();
          else for (const node of nodes) node.app.parley.hub.closeWhere((p) => (s.who === 'visitor' ? p.kind === 'visitor' && p.visitorId === visitorId : p.kind === 'agent'), 1012, 'restart');
        }
        await allAcked(acks, written);

        const res = await fetch(`${first.url}/api/agent/conversations/${conversationId}/messages?limit=200`, { headers: { cookie } });
        const stored: { body: string; seq: number; internal: boolean }[] = (await res.json()).messages;
        const bodies = stored.map((m) => m.body);
        expect(new Set(bodies).size).toBe(bodies.length);
        for (const who of ['visitor', 'agent', 'note'] as const) expect(bodies.filter((b) => b.startsWith(`${who} `))).toEqual(written[who]);
        expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
        expect(stored.filter((m) => m.internal).map((m) => m.body)).toEqual(written.note);

        // Each side ends up with what it may read, each message once, in its own numbering.
        const visible = { agent: bodies, visitor: stored.filter((m) => !m.internal).map((m) => m.body) };
        for (const [side, expected] of [[agent, visible.agent], [visitor, visible.visitor]] as const) {
          const got = () => side.received.filter((m) => m.conversationId === conversationId);
          await expect.poll(() => got().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(expected.length);
          expect(got().map((m) => m.body)).toEqual(expected);
          expect(got().map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
        }
        expect(JSON.stringify(visitor.received)).not.toMatch(/note \d/);
      } finally {
        visitor.parley.close();
        agent.parley.close();
      }
    }),
    { numRuns },
  );
}
