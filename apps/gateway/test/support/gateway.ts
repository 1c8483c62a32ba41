import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { openDatabase, type OpenDatabase } from '../../src/db/database.ts';
import { seedDemo } from '../../src/domain/seed.ts';
import { buildGateway } from '../../src/http/server.ts';
import { openTestDatabase } from './database.ts';
import { openSocket, type TestSocket } from './socket.ts';

export const DEMO_PASSWORD = 'correct horse battery staple';
export const DEMO_SECRET = 'demo-secret-for-tests-0123456789';

/** A gateway listening on a real port, over a real database, with helpers to talk to it. */
export interface TestGateway {
  app: FastifyInstance;
  database: OpenDatabase;
  config: Config;
  url: string;
  wsUrl: string;
  /** The demo app's allowed origin (the gateway's own). */
  origin: string;
  /** Signs the demo agent in; returns the cookie header value. */
  login(email?: string, password?: string): Promise<string>;
  /** A new anonymous visitor session of the demo app. */
  visitor(): Promise<{ token: string; visitorId: string }>;
  connectVisitor(token: string, options?: { origin?: string; v?: string }): Promise<TestSocket>;
  connectAgent(cookie: string, options?: { origin?: string }): Promise<TestSocket>;
  /** A second gateway on the same database (PostgreSQL only): another node. */
  close(): Promise<void>;
}

/**
 * Starts a gateway on port 0 over a fresh database, seeded with the demo workspace. `logger`
 * replaces the silent one, for a test that reads what the gateway logs.
 */
export async function startGateway(env: Record<string, string> = {}, shared?: OpenDatabase, { logger }: { logger?: FastifyServerOptions['logger'] } = {}): Promise<TestGateway> {
  const database = shared ?? (await openTestDatabase());
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', PARLEY_RATE_LIMIT: '100000', PARLEY_AUTH_RATE_LIMIT: '100000', ...env });
  const app = await buildGateway({ config, database, ...(logger !== undefined && { logger }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  await seedDemo(database.db, { port, appSecret: DEMO_SECRET, password: DEMO_PASSWORD });
  const url = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}`;
  const origin = url;

  return {
    app,
    database,
    config,
    url,
    wsUrl,
    origin,
    async login(email = 'agent@example.com', password = DEMO_PASSWORD) {
      const res = await fetch(`${url}/api/agent/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email, password }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return res.headers.getSetCookie()[0]!.split(';')[0]!;
    },
    async visitor() {
      const res = await fetch(`${url}/api/visitor/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ appId: 'demo' }),
      });
      if (res.status !== 201) throw new Error(`visitor session failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { token: string; visitorId: string };
    },
    connectVisitor(token, options = {}) {
      return openSocket(`${wsUrl}/ws/visitor?v=${options.v ?? PROTOCOL_VERSION}`, {
        origin: options.origin ?? origin,
        protocols: ['parley', TOKEN_SUBPROTOCOL_PREFIX + token],
      });
    },
    connectAgent(cookie, options = {}) {
      return openSocket(`${wsUrl}/ws/agent?v=${PROTOCOL_VERSION}`, { origin: options.origin ?? origin, headers: { cookie } });
    },
    async close() {
      await app.close();
      if (!shared) await database.close();
    },
  };
}

/** A fresh client-side id. */
export const cid = () => randomUUID();

/**
 * A console request with an agent's session cookie: a JSON body (or a raw string, to send a
 * malformed one) and the answer's status and JSON ({} when empty).
 */
export async function agentRequest(
  gw: Pick<TestGateway, 'url' | 'origin'>,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, any> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.origin, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

/** A second gateway node on the first one's PostgreSQL database, with a pool of its own; its close() closes both. */
export async function startSecondNode(first: TestGateway, env: Record<string, string> = {}): Promise<TestGateway> {
  const handle = await openDatabase({ kind: 'postgres', url: (first.database as OpenDatabase & { url: string }).url });
  const node = await startGateway(env, handle);
  return {
    ...node,
    async close() {
      await node.close();
      await handle.close();
    },
  };
}
