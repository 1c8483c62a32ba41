// `pnpm bench`: Parley's gateway (validation, authorization, persistence, fan-out) against a
// bare `ws` relay measured in the same run, on PGlite and, when one answers, on PostgreSQL.
// Options: --pairs N (50) --window W (4) --seconds S (3) --rounds R (3) --db pglite|postgres|both (both)
//          --profile PREFIX: write a CPU profile of each contender's last round to PREFIX-<contender>.cpuprofile
//          (open it in Chrome's DevTools)
//          --pglite-dir DIR: keep PGlite's data in DIR, as the gateway does, instead of in memory
// With PostgreSQL it also measures a relay that stores each message before it acks it (bench/store-relay.ts):
// the least a durable gateway does on this machine, and Parley's ratio against that.
// The baseline and each gateway run in turn, R rounds of S seconds each, and the medians are
// reported: on a shared machine the load of other work drifts, and alternating short runs lets
// every contender see the same drift.
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
import { connect, idOf, postgresCpu, runLoad, type LoadResult, type Side } from './load.ts';
import { startRelay } from './relay.ts';
import { startStoreRelay } from './store-relay.ts';
import { routingBench } from './routing.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '50' },
    window: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string', default: 'both' },
    profile: { type: 'string' },
    'pglite-dir': { type: 'string' },
  },
});
const PAIRS = Number(values.pairs);
const WINDOW = Number(values.window);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password-123';

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

/** Something the load runs against: its pairs of sockets, and how to shut it down. */
interface Subject {
  name: string;
  pairs: [Side, Side][];
  /** The database server's CPU time so far (µs), when it runs on this machine in processes of its own. */
  dbCpu?: () => number | undefined;
  close(): Promise<void>;
}

/** Pairs of sockets on a relay (bare or storing): the pair's number and the side's kind ride in the URL. */
async function relayPairs(url: string): Promise<[Side, Side][]> {
  const pairs: [Side, Side][] = [];
  for (let i = 0; i < PAIRS; i++) {
    const side = async (kind: 'visitor' | 'agent'): Promise<Side> => {
      const socket = await connect(`${url}/?pair=${i}&kind=${kind}`);
      return {
        socket,
        send: (id, body) => socket.send(JSON.stringify({ type: 'message.send', conversationId: `c${i}`, clientMessageId: id, body: `${id} ${body}`, author: { kind } })),
        incoming: (frame) => (frame.type === 'message.created' && frame.message?.author?.kind !== kind ? idOf(frame) : undefined),
      };
    };
    pairs.push([await side('visitor'), await side('agent')]);
  }
  return pairs;
}

async function relaySubject(name: string, relay: { url: string; close(): Promise<void> }, extra: Partial<Subject> = {}): Promise<Subject> {
  const pairs = await relayPairs(relay.url);
  return {
    name,
    pairs,
    ...extra,
    async close() {
      for (const [a, b] of pairs) (a.socket.terminate(), b.socket.terminate());
      await relay.close();
    },
  };
}

async function parley(name: string, database: OpenDatabase): Promise<Subject> {
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
  return {
    name,
    pairs,
    async close() {
      for (const [a, b] of pairs) (a.socket.terminate(), b.socket.terminate());
      await app.close();
    },
  };
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

const fmt = (r: LoadResult) =>
  `${Math.round(r.perSecond).toString().padStart(7)} msg/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   CPU ${r.cpuPerMessage.toFixed(0).padStart(3)} µs/msg`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  log(`Parley bench: ${PAIRS} visitor–agent pairs, ${WINDOW} messages in flight per side; ${ROUNDS} rounds of ${SECONDS} s each after 1 s warm-up, contenders in turn; medians.`);
  const subjects: Subject[] = [await relaySubject('bare ws relay (baseline)', await startRelay())];
  let pg: Awaited<ReturnType<typeof postgresDatabase>>;
  let pglite: OpenDatabase | undefined;
  if (values.db !== 'postgres') {
    pglite = await openDatabase({ kind: 'pglite', dataDir: values['pglite-dir'] });
    subjects.push(await parley('Parley on PGlite (own thread)', pglite));
  }
  if (values.db !== 'pglite') {
    pg = await postgresDatabase();
    if (pg) {
      const dbCpu = /@(127\.0\.0\.1|localhost)[:/]/.test(pg.url) ? { dbCpu: postgresCpu } : {};
      subjects.push({ ...(await parley('Parley on PostgreSQL', pg.database)), ...dbCpu });
      subjects.push(await relaySubject('relay storing in PostgreSQL (reference)', await startStoreRelay(pg.url, PAIRS), dbCpu));
    }
    else log('  (no PostgreSQL server answers: set DATABASE_URL to include it)');
  }

  const profiler = values.profile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  const results = new Map<Subject, LoadResult[]>(subjects.map((s) => [s, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const profiling = profiler && round === ROUNDS;
    for (const subject of subjects) {
      if (profiling) await profiler.post('Profiler.start');
      results.get(subject)!.push(await runLoad(subject.pairs, { seconds: SECONDS, window: WINDOW, dbCpu: subject.dbCpu }));
      if (profiling) {
        const { profile } = await profiler.post('Profiler.stop');
        const slug = subject.name.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
        writeFileSync(`${values.profile}-${slug}.cpuprofile`, JSON.stringify(profile));
      }
    }
    const [base, ...rest] = subjects.map((s) => results.get(s)!.at(-1)!);
    log(`  round ${round}: baseline ${Math.round(base!.perSecond)} msg/s; ${rest.map((r, i) => `${subjects[i + 1]!.name.replace('Parley on ', '')} ${((r.perSecond / base!.perSecond) * 100).toFixed(0)} %`).join(', ')}`);
  }
  profiler?.disconnect();

  const baseRuns = results.get(subjects[0]!)!;
  log('');
  for (const subject of subjects) {
    const runs = results.get(subject)!;
    const perSecond = median(runs.map((r) => r.perSecond));
    const ratio = subject === subjects[0] ? '' : `   ${(median(runs.map((r, i) => r.perSecond / baseRuns[i]!.perSecond)) * 100).toFixed(0)} % of baseline`;
    const of = (key: 'p50' | 'p99' | 'cpuPerMessage') => median(runs.map((r) => r[key]));
    const db = runs.every((r) => r.dbCpuPerMessage !== undefined) ? `   database CPU ${median(runs.map((r) => r.dbCpuPerMessage!)).toFixed(0)} µs/msg` : '';
    log(`  ${subject.name.padEnd(40)} ${fmt({ perSecond, p50: of('p50'), p99: of('p99'), cpuPerMessage: of('cpuPerMessage'), messages: 0, seconds: 0 })}${ratio}${db}`);
  }
  const [gateway, reference] = ['Parley on PostgreSQL', 'relay storing in PostgreSQL (reference)'].map((name) => subjects.find((s) => s.name === name));
  if (gateway && reference) {
    const [g, r] = [results.get(gateway)!, results.get(reference)!];
    log(`  Parley on PostgreSQL against the storing relay: ${(median(g.map((run, i) => run.perSecond / r[i]!.perSecond)) * 100).toFixed(0)} %`);
  }
  for (const subject of subjects) await subject.close();
  await pglite?.close();
  if (pg) {
    const r = await routingBench(pg.database, pg.url);
    log(`  routing: ${r.chats} chats through 2 gateway processes into one round-robin queue: ${r.owned} assigned to ${r.agents} agents in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} chats assigned/s (process start-up included)`);
    await pg.drop();
  }
  process.exit(0);
}

await main();
