import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { WebSocketServer, type WebSocket } from 'ws';

/** A message waiting for the next batch. */
interface Pending {
  socket: WebSocket;
  pair: string;
  kind: string;
  clientMessageId: string;
  body: string;
}

/**
 * The floor under any gateway that stores before it acks: a `ws` relay that writes each message
 * to PostgreSQL with group commit (one statement per batch, seq numbered under the pair's row
 * lock, at most two batches in flight and never two holding the same pair), then acks the sender
 * and sends the message to the pair's other socket. No validation, authorization, routing, list
 * rows or echo: what Parley costs beyond durable storage is measured against this. Its two tables
 * live in a schema of their own in the bench's database.
 */
export async function startStoreRelay(url: string, pairCount: number): Promise<{ url: string; close(): Promise<void> }> {
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  await sql.unsafe(`
    create schema store_relay;
    create table store_relay.pairs (id text primary key, last_seq integer not null default 0, last_at timestamptz);
    create table store_relay.messages (
      id uuid primary key, pair text not null references store_relay.pairs (id), seq integer not null,
      kind text not null, client_message_id text not null, body text not null, created_at timestamptz not null,
      unique (pair, seq), unique (pair, kind, client_message_id));
    insert into store_relay.pairs (id) select g::text from generate_series(0, ${pairCount - 1}) g;`);

  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const pairs = new Map<string, Set<WebSocket>>();
  let queue: Pending[] = [];
  const busy = new Set<string>();
  let active = 0;
  let scheduled = false;

  async function write(batch: Pending[]) {
    const at = new Date().toISOString();
    const rows = batch.map((p, i) => ({ i, pair: p.pair, kind: p.kind, cmid: p.clientMessageId, body: p.body, id: randomUUID(), at }));
    const [result] = await sql.unsafe(
      `with req as (
         select * from jsonb_to_recordset($1::jsonb) as x(i int, pair text, kind text, cmid text, body text, id uuid, at timestamptz)
       ),
       locked as (select id, last_seq from store_relay.pairs where id in (select pair from req) order by id for update),
       numbered as (
         select r.*, l.last_seq + row_number() over (partition by r.pair order by r.i) as seq from req r join locked l on l.id = r.pair
       ),
       inserted as (
         insert into store_relay.messages (id, pair, seq, kind, client_message_id, body, created_at)
         select id, pair, seq, kind, cmid, body, at from numbered
         returning id, seq
       ),
       counters as (
         update store_relay.pairs p set last_seq = n.seq, last_at = n.at
         from (select pair, max(seq) as seq, max(at) as at from numbered group by pair) n where p.id = n.pair
         returning 1
       )
       select (select coalesce(jsonb_agg(jsonb_build_array(id, seq)), '[]') from inserted) as inserted, (select count(*) from counters) as pairs`,
      [rows as never],
      { prepare: true },
    );
    const seqs = new Map<string, number>((result!.inserted as [string, number][]).map(([id, seq]) => [id, seq]));
    rows.forEach((row, i) => {
      const { socket } = batch[i]!;
      const seq = seqs.get(row.id)!;
      socket.send(JSON.stringify({ type: 'message.ack', conversationId: row.pair, clientMessageId: row.cmid, messageId: row.id, seq, createdAt: at, duplicate: false }));
      const frame = JSON.stringify({ type: 'message.created', message: { id: row.id, conversationId: row.pair, seq, body: row.body, author: { kind: row.kind }, createdAt: at } });
      for (const peer of pairs.get(row.pair) ?? []) if (peer !== socket) peer.send(frame);
    });
  }

  function pump() {
    scheduled = false;
    while (active < 2 && queue.length) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const keys = new Set<string>();
      for (const item of queue) {
        if (busy.has(item.pair)) rest.push(item);
        else (batch.push(item), keys.add(item.pair));
      }
      if (!batch.length) break;
      queue = rest;
      for (const key of keys) busy.add(key);
      active++;
      void write(batch)
        .catch((error: unknown) => console.error('store relay: batch failed', error))
        .finally(() => {
          active--;
          for (const key of keys) busy.delete(key);
          pump();
        });
    }
  }

  server.on('connection', (socket, request) => {
    const params = new URL(request.url ?? '/', 'http://x').searchParams;
    const pair = params.get('pair') ?? '';
    const kind = params.get('kind') ?? '';
    const set = pairs.get(pair) ?? new Set();
    pairs.set(pair, set.add(socket));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { clientMessageId: string; body: string };
      queue.push({ socket, pair, kind, clientMessageId: frame.clientMessageId, body: frame.body });
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
    socket.on('close', () => set.delete(socket));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end();
    },
  };
}
