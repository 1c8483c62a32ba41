import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import type { Database, OpenDatabase } from '../../src/db/database.ts';
import { agentStatus, agents, queues } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/domain/identity/secrets.ts';
import { createMaskingSettings } from '../../src/domain/masking/masking-settings.ts';
import { createRoutingService, type RoutingService } from '../../src/domain/routing/routing-service.ts';
import { cid, type TestGateway } from './gateway.ts';
import type { TestSocket } from './socket.ts';

/** What routing tests need of a gateway: its URL, origin, sign-in and sockets (a TestGateway is one). */
export interface RoutingGateway {
  url: string;
  origin: string;
  database: OpenDatabase;
  login(email?: string, password?: string): Promise<string>;
  visitor(): Promise<{ token: string; visitorId: string }>;
  connectVisitor(token: string, options?: { origin?: string }): Promise<TestSocket>;
  connectAgent(cookie: string, options?: { origin?: string }): Promise<TestSocket>;
}

/** A signed-in agent: their id, cookie and a console socket. */
export interface TestAgent {
  id: string;
  name: string;
  email: string;
  cookie: string;
  socket: TestSocket;
}

const PASSWORD = 'routing test password';
let hashed: Promise<string> | undefined;

/** Adds an agent to the demo workspace (role `agent` unless told), signs them in and opens their console socket. */
export async function addAgent(gw: RoutingGateway, name: string, role: 'agent' | 'admin' = 'agent'): Promise<TestAgent> {
  const email = `${name.toLowerCase()}-${cid().slice(0, 8)}@example.com`;
  const [row] = await gw.database.db
    .insert(agents)
    .values({ workspaceId: 'demo', email, name, role, passwordHash: await (hashed ??= hashPassword(PASSWORD)) })
    .returning({ id: agents.id });
  const cookie = await gw.login(email, PASSWORD);
  const { socket } = await connectConsole(gw, cookie);
  return { id: row!.id, name, email, cookie, socket };
}

/**
 * Opens the agent's console socket and waits for its `hello` and for the gateway to have
 * recorded the console as connected, which it does just after the `hello` (a later read of
 * the agent's presence would otherwise race that write).
 */
async function connectConsole(gw: RoutingGateway, cookie: string): Promise<{ socket: TestSocket; agentId: string }> {
  const since = Date.now();
  const socket = await gw.connectAgent(cookie);
  const agentId = (await socket.next('hello')).principal.id;
  const seen = async () => (await gw.database.db.select().from(agentStatus).where(eq(agentStatus.agentId, agentId)))[0]?.lastSeenAt?.getTime() ?? 0;
  for (const until = Date.now() + 10_000; (await seen()) < since; await sleep(20)) {
    if (Date.now() > until) throw new Error(`the gateway did not record agent ${agentId}'s console as connected within 10 s`);
  }
  return { socket, agentId };
}

/** Signs the demo agent (an admin) in and opens their console socket. */
export async function demoAgent(gw: RoutingGateway): Promise<TestAgent> {
  const cookie = await gw.login();
  const { socket, agentId } = await connectConsole(gw, cookie);
  const [row] = await gw.database.db.select().from(agents).where(eq(agents.id, agentId));
  return { id: row!.id, name: row!.name, email: row!.email, cookie, socket };
}

/** A JSON request as the console makes it (cookie, console origin); answers status and body. */
export async function api(gw: RoutingGateway, cookie: string, method: string, path: string, body?: unknown, origin = gw.origin) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

/** A new queue that the demo app's next conversations enter (`settings`: its mode and the rest), worked by `members`. */
export async function demoQueue(gw: TestGateway, admin: TestAgent, settings: Record<string, unknown>, members: TestAgent[]) {
  const made = await api(gw, admin.cookie, 'POST', '/api/admin/queues', { name: `Q ${cid().slice(0, 8)}`, ...settings });
  if (made.status !== 201) throw new Error(`creating a queue answered ${made.status}: ${JSON.stringify(made.body)}`);
  const queue = made.body.queue as { id: string; name: string };
  const staffed = await api(gw, admin.cookie, 'PUT', `/api/admin/queues/${queue.id}/agents`, { agentIds: members.map((m) => m.id) });
  if (staffed.status !== 200) throw new Error(`naming a queue's agents answered ${staffed.status}: ${JSON.stringify(staffed.body)}`);
  await gw.app.parley.routing.setAppQueue('demo', queue.id);
  return queue;
}

/** A visitor with a socket who started a conversation with one message. */
export async function visitorChat(gw: RoutingGateway, body = 'Hello, I need help') {
  const session = await gw.visitor();
  const socket = await gw.connectVisitor(session.token);
  await socket.next('hello');
  socket.send({ type: 'message.send', ref: 'first', clientConversationId: cid(), clientMessageId: cid(), body });
  const ack = await socket.next('message.ack', (f) => f.ref === 'first');
  return { ...session, socket, conversationId: ack.conversationId };
}

/** The demo workspace's queue of that name. */
export async function queueNamed(gw: RoutingGateway, name: string) {
  const [row] = await gw.database.db.select().from(queues).where(eq(queues.name, name));
  return row!;
}

/** Sends a frame with a ref and resolves with its answer (`ok`, a result, or `error`). */
export async function call(socket: TestSocket, frame: Record<string, unknown>) {
  const ref = cid();
  const from = socket.frames.length;
  socket.send({ ...frame, ref });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(frame)}`)), 10_000);
    const check = () => {
      if (socket.frames.slice(from).some((f) => 'ref' in f && f.ref === ref)) {
        clearTimeout(timer);
        socket.ws.off('message', check);
        resolve();
      }
    };
    socket.ws.on('message', check);
    check();
  });
  return socket.frames.slice(from).find((f) => 'ref' in f && f.ref === ref)!;
}

/** Resolves with a matching frame after `from`, or undefined when none comes within `ms` (for "never arrives" checks after a known later frame). */
export const maybe = <T extends Parameters<TestSocket['next']>[0]>(socket: TestSocket, type: T, from: number, ms = 300) =>
  socket.next(type, undefined, { from, timeoutMs: ms }).catch(() => undefined);

/**
 * A routing service on `db`, built as a gateway node builds it: offers carry the customer's text
 * through each workspace's masking setting (read once per workspace; nothing announces changes here).
 */
export function routingService(db: Database, options: Omit<Parameters<typeof createRoutingService>[0], 'db' | 'masking'> = {}): RoutingService {
  const masking = createMaskingSettings({
    db,
    announce: () => {},
    onError: (error) => {
      throw error;
    },
  });
  // No periodic re-read: it would outlive the test's database.
  masking.stop();
  return createRoutingService({ db, masking: masking.maskerOf, ...options });
}
