// `pnpm bench`: Parley's gateway (validation, authorization, persistence, fan-out) against a
// bare `ws` relay measured in the same run, on PGlite and, when one answers, on PostgreSQL.
// Options: --pairs N (50) --window W (4) --seconds S (5) --db pglite|postgres|both (both)
//          --profile FILE: write a CPU profile of the gateway's runs (open it in Chrome's DevTools)
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createConnection } from 'node:net';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX } from '@parley/protocol';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';
import { agents, apps, workspaces } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/domain/identity/secrets.ts';
import { buildGateway } from '../src/http/server.ts';
import { connect, idOf, runLoad, type LoadResult, type Side } from './load.ts';
import { startRelay } from './relay.ts';
import { routingBench } from './routing.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '50' },
    window: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
    db: { type: 'string', default: 'both' },
    profile: { type: 'string' },
  },
});
const PAIRS = Number(values.pairs);
const WINDOW = Number(values.window);
const SECONDS = Number(values.seconds);
const PASSWORD = 'bench-password-123';

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

async function baseline(): Promise<LoadResult> {
  const relay = await startRelay();
  const pairs: [Side, Side][] = [];
  for (let i = 0; i < PAIRS; i++) {
    const side = async (kind: 'visitor' | 'agent'): Promise<Side> => {
      const socket = await connect(`${relay.url}/?pair=${i}`);
      return {
        socket,
        send: (id, body) => socket.send(JSON.stringify({ type: 'message.send', conversationId: `c${i}`, clientMessageId: id, body: `${id} ${body}`, author: { kind } })),
        incoming: (frame) => (frame.type === 'message.created' && frame.message?.author?.kind !== kind ? idOf(frame) : undefined),
      };
    };
    pairs.push([await side('visitor'), await side('agent')]);
  }
  const result = await runLoad(pairs, { seconds: SECONDS, window: WINDOW });
  for (const [a, b] of pairs) (a.socket.terminate(), b.socket.terminate());
  await relay.close();
  return result;
}

async function parley(database: OpenDatabase): Promise<LoadResult> {
  const config = loadConfig({ LOG_LEVEL: 'silent', PARLEY_RATE_LIMIT: '1000000', PARLEY_AUTH_RATE_LIMIT: '1000000', PARLEY_HEARTBEAT_MS: '600000' });
  const app = await buildGateway({ config, database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const ws = `ws://127.0.0.1:${port}`;
  // One workspace per pair, so each agent's socket carries its own pair's traffic only.
  const hash = await hashPassword(PASSWORD);
  const ids = Array.from({ length: PAIRS }, (_, i) => `bench${i}`);
  await database.db.insert(workspaces).values(ids.map((id) => ({ id, name: id }))).onConflictDoNothing();
  await database.db
    .insert(apps)
    .values(ids.map((id) => ({ id, workspaceId: id, name: id, allowedOrigins: [base], identitySecret: randomBytes(16).toString('hex') })))
    .onConflictDoNothing();
  await database.db
    .insert(agents)
    .values(ids.map((id) => ({ workspaceId: id, email: `${id}@bench.example`, name: id, passwordHash: hash })))
    .onConflictDoNothing();

  const pairs: [Side, Side][] = [];
  for (const id of ids) {
    const session = await fetch(`${base}/api/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ appId: id }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const login = await fetch(`${base}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email: `${id}@bench.example`, password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const visitor = await connect(`${ws}/ws/visitor?v=${PROTOCOL_VERSION}`, { protocols: ['parley', TOKEN_SUBPROTOCOL_PREFIX + session.token], origin: base, firstFrame: true });
    const agent = await connect(`${ws}/ws/agent?v=${PROTOCOL_VERSION}`, { origin: base, headers: { cookie }, firstFrame: true });
    const conversationId = await new Promise<string>((resolve) => {
      const onFrame = (data: unknown) => {
        const frame = JSON.parse(String(data));
        if (frame.type !== 'message.ack') return;
        visitor.off('message', onFrame);
        resolve(frame.conversationId);
      };
      visitor.on('message', onFrame);
      visitor.send(JSON.stringify({ type: 'message.send', clientConversationId: 'bench', clientMessageId: 'open', body: 'open' }));
    });
    const side = (socket: typeof visitor, kind: 'visitor' | 'agent'): Side => ({
      socket,
      send: (mid, body) => socket.send(JSON.stringify({ type: 'message.send', conversationId, clientMessageId: mid, body: `${mid} ${body}` })),
      incoming: (frame) => (frame.type === 'message.created' && frame.message?.author?.kind !== kind ? idOf(frame) : undefined),
    });
    pairs.push([side(visitor, 'visitor'), side(agent, 'agent')]);
  }
  const profiler = values.profile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const result = await runLoad(pairs, { seconds: SECONDS, window: WINDOW });
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${values.profile}.${database.kind}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  for (const [a, b] of pairs) (a.socket.terminate(), b.socket.terminate());
  await app.close();
  return result;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function postgresDatabase(): Promise<{ database: OpenDatabase; url: string; drop(): Promise<void> } | undefined> {
  const server = process.env.DATABASE_URL ?? ((await portAnswers(5432)) ? 'postgres://postgres@127.0.0.1:5432/test' : undefined);
  if (!server) return undefined;
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const fmt = (r: LoadResult) => `${Math.round(r.perSecond).toString().padStart(7)} msg/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms`;

async function main() {
  log(`Parley bench: ${PAIRS} visitor–agent pairs, ${WINDOW} messages in flight per side, ${SECONDS} s measured after 1 s warm-up.`);
  const rows: [string, LoadResult][] = [];
  const base = await baseline();
  rows.push(['bare ws relay (baseline)', base]);
  log(`  ${'bare ws relay (baseline)'.padEnd(34)} ${fmt(base)}`);
  const report = (name: string, r: LoadResult) => {
    rows.push([name, r]);
    log(`  ${name.padEnd(34)} ${fmt(r)}   ${((r.perSecond / base.perSecond) * 100).toFixed(0)} % of baseline`);
  };
  if (values.db !== 'postgres') {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    report('Parley on PGlite (in process)', await parley(database));
    await database.close();
  }
  if (values.db !== 'pglite') {
    const pg = await postgresDatabase();
    if (pg) {
      report('Parley on PostgreSQL', await parley(pg.database));
      const r = await routingBench(pg.database, pg.url);
      log(`  routing: ${r.chats} chats through 2 gateway processes into one round-robin queue: ${r.owned} assigned to ${r.agents} agents in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} chats assigned/s (process start-up included)`);
      await pg.drop();
    } else log('  (no PostgreSQL server answers: set DATABASE_URL to include it)');
  }
  process.exit(0);
}

await main();
