import { readdirSync, readFileSync } from 'node:fs';
import { ErrorCode } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps, messages, workspaces } from '../src/db/schema/index.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';
import { seedConversation } from './support/workspace.ts';

// Every HTTP route the gateway has, called with generated input: any method's body of any JSON
// shape or none, broken JSON, odd query strings, path parameters that are real, made up or
// malformed, as the demo agent, as a visitor, or as nobody, from the app's origin or another.
// The gateway answers each with a 2xx, 3xx or 4xx, never a 5xx; an error is JSON with a
// documented code and a message, and nothing of its internals (no stack, no SQL). Another
// workspace's conversation is among the ids tried: nothing of it reaches the demo's callers,
// and nothing of it changes.

let gw: TestGateway;
let cookie: string;
let token: string;
let conversationId: string;
let foreignConversation: string;
const foreignCanary = `OTHER-WORKSPACE-${cid()}`;
const CODES = new Set<string>(Object.values(ErrorCode));

/** Routes that end the caller's own session: called, they would only turn what follows into 401s. */
const SKIPPED = new Set(['POST /api/agent/logout', 'DELETE /api/visitor/sessions/current']);

/** Every route the route modules register (`x.get('/api/…'`), read from their source. */
function routes(): { method: string; path: string }[] {
  const dir = new URL('../src/http/routes/', import.meta.url);
  const found = new Map<string, { method: string; path: string }>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const [, method, path] of source.matchAll(/\b\w+\.(get|post|put|patch|delete)(?:<[^>]*>)?\(\s*'(\/api\/[^']*)'/g)) {
      const route = { method: method!.toUpperCase(), path: path! };
      if (!SKIPPED.has(`${route.method} ${route.path}`)) found.set(`${route.method} ${route.path}`, route);
    }
  }
  return [...found.values()];
}

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  token = (await gw.visitor()).token;
  const visitor = await gw.connectVisitor(token);
  await visitor.next('hello');
  visitor.send({ type: 'message.send', ref: 'a', clientConversationId: cid(), clientMessageId: cid(), body: 'hello' });
  conversationId = (await visitor.next('message.ack', (f) => f.ref === 'a')).conversationId;
  visitor.close();
  await gw.database.db.insert(workspaces).values({ id: 'other', name: 'Other workspace' });
  await gw.database.db.insert(apps).values({ id: 'other-app', workspaceId: 'other', name: 'Other site', identitySecret: 'other-secret-0123456789abcdef' });
  foreignConversation = (await seedConversation(gw.database, { workspaceId: 'other', appId: 'other-app', messages: [{ kind: 'visitor', body: foreignCanary }] })).id;
  await fetch(`${gw.url}/api/visitor/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', subject: 'Help', description: 'It broke.' }),
  });
});
afterAll(() => gw?.close());

describe('every HTTP route on generated input', () => {
  it('finds the routes it is to try', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(60);
    for (const { method, path } of all) expect(gw.app.hasRoute({ method: method as 'GET', url: path }), `${method} ${path}`).toBe(true);
  });

  it('lets no route reach another workspace\'s conversation, for an admin of this one or a visitor', async () => {
    const before = await gw.database.db.select().from(messages).where(eq(messages.conversationId, foreignConversation));
    // Bodies a route would take: a message, a reply, a transfer, a ticket, a status.
    const body = JSON.stringify({ clientMessageId: cid(), body: 'x', subject: 's', description: 'd', reason: 'r', status: 'closed' });
    for (const route of routes()) {
      for (const headers of [{ cookie }, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const path = route.path.replace(/:\w+/g, foreignConversation);
        const withBody = route.method !== 'GET' && route.method !== 'DELETE';
        const res = await fetch(`${gw.url}${path}`, {
          method: route.method,
          headers: { ...headers, origin: gw.origin, ...(withBody && { 'content-type': 'application/json' }) },
          ...(withBody && { body }),
        });
        const text = await res.text();
        expect(text, `${route.method} ${path}`).not.toContain(foreignCanary);
        expect(res.status, `${route.method} ${path}: ${text}`).toBeLessThan(500);
      }
    }
    expect(await gw.database.db.select().from(messages).where(eq(messages.conversationId, foreignConversation))).toEqual(before);
  });

  it('answers each with no server error, and each error with a documented code and no internals', async () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 300 }), fc.constantFrom('__proto__', '', -1, 0, 1e308, null, true, [], {}));
    const foreignBefore = await gw.database.db.select().from(messages).where(eq(messages.conversationId, foreignConversation));
    const parameter = fc.constantFrom(conversationId, foreignConversation, 'other-app', '1', 'demo', cid(), 'x', '0', '-1', '99999999999999999999', '..%2F..%2Fetc', '%00', 'a'.repeat(300), '__proto__', 'null');
    const request = fc.record({
      route: fc.constantFrom(...routes()),
      parameter,
      query: fc.option(fc.dictionary(fc.constantFrom('limit', 'status', 'q', 'before', 'beforeSeq', 'cursor', 'view', 'download', '__proto__'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('-1', '0', '1e9', 'NaN', 'open', '[]'))), { nil: undefined }),
      body: fc.oneof(
        fc.constant(undefined),
        anything.map((value) => JSON.stringify(value)),
        fc.dictionary(fc.constantFrom('name', 'email', 'body', 'subject', 'description', 'status', 'enabled', 'text', 'filter', 'agentIds', 'queueId', 'reason', 'password', 'appId', 'attributes', 'clientMessageId', 'internal', '__proto__'), anything).map((value) => JSON.stringify(value)),
        fc.constantFrom('{"a":', 'not json', '[1,2', '\u0000'),
      ),
      // Mostly the route's own kind of caller, from the app's origin, with JSON: the answers then go past the door.
      as: fc.oneof({ weight: 6, arbitrary: fc.constant('own' as const) }, fc.constantFrom('agent' as const, 'visitor' as const, 'nobody' as const)),
      origin: fc.oneof({ weight: 6, arbitrary: fc.constant(gw.origin) }, fc.constantFrom('https://evil.example', undefined)),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, fc.constantFrom('text/plain', 'multipart/form-data; boundary=x')),
    });

    await fc.assert(
      fc.asyncProperty(request, async ({ route, parameter, query, body, as: caller, origin, contentType }) => {
        const as = caller === 'own' ? (route.path.startsWith('/api/visitor') ? 'visitor' : 'agent') : caller;
        const path = route.path.replace(/:\w+/g, parameter);
        const search = query ? `?${new URLSearchParams(query)}` : '';
        const headers: Record<string, string> = {
          ...(origin && { origin }),
          ...(as === 'agent' && { cookie }),
          ...(as === 'visitor' && { authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'content-type': contentType }),
        };
        const withBody = body !== undefined && route.method !== 'GET';
        const res = await fetch(`${gw.url}${path}${search}`, { method: route.method, headers, ...(withBody && { body }) });
        const text = await res.text();
        const what = `${route.method} ${path}${search} as ${as} → ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        expect(text, what).not.toContain(foreignCanary);
        if (res.status < 400) return;
        const answer = JSON.parse(text);
        expect(CODES, what).toContain(answer.error.code);
        expect(answer.error.message.length, what).toBeGreaterThan(10);
        expect(text, what).not.toMatch(/\n\s+at |node_modules|\bselect\b.*\bfrom\b|\binsert into\b/i);
      }),
      { numRuns: 600 },
    );
    expect(await gw.database.db.select().from(messages).where(eq(messages.conversationId, foreignConversation))).toEqual(foreignBefore);
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
