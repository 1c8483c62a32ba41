// Fills a workspace's archive with resolved conversations, to see that lists stay fast with
// 100 000 of them: `pnpm --filter @parley/gateway seed:archive [--count 100000] [--workspace archive-bench]`.
// Uses the gateway's database settings (DATABASE_URL, else PGlite in PARLEY_DATA_DIR; stop the
// gateway first on PGlite). Set-based: each batch of conversations, with their customers, four
// messages each and their routing rows, is one statement.
import { sql } from 'drizzle-orm';
import { ARCHIVE_WORKSPACE, ensureFixtures, openGatewayDatabase, option, rowsOf } from './archive-data.ts';

const count = Number(option('count', '100000'));
const batch = Number(option('batch', '10000'));
const workspaceId = option('workspace', ARCHIVE_WORKSPACE);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(batch) || batch < 1) {
  console.error('--count and --batch must be whole numbers above 0, e.g. --count 100000 --batch 10000');
  process.exit(1);
}

const database = await openGatewayDatabase();
const started = performance.now();
try {
  const fx = await ensureFixtures(database, workspaceId);
  const array = (list: string[]) => sql`array[${sql.join(list.map((x) => sql`${x}`), sql`, `)}]`;
  console.log(`seeding ${count} archived conversations into workspace ${workspaceId} (${database.kind}), ${batch} a statement`);
  for (let done = 0; done < count; ) {
    const n = Math.min(batch, count - done);
    const t0 = performance.now();
    // Every customer has four conversations; each conversation: customer, agent, internal note,
    // "chat ended", written over its last minutes and archived five minutes after, within a year.
    // 10% came through the web form; owners, queues and reasons are spread evenly.
    await database.db.execute(sql`
      with g as (
        select i, ((i - 1) / 4) as customer,
          now() - random() * interval '365 days' as started,
          (random() * 120)::int as minutes, random() as r_channel,
          (random() * 1000000)::int as r_queue, (random() * 1000000)::int as r_agent, (random() * 1000000)::int as r_reason
        from generate_series(1, ${n}) i
      ),
      apps_a as (select ${array(fx.apps)} as a),
      vis as (
        insert into visitors (app_id, name, email)
        select (select a[1 + (c % array_length(a, 1))] from apps_a), 'Customer ' || (${done} + c), 'customer' || (${done} + c) || '@example.com'
        from (select distinct customer as c from g) d
        returning id, app_id
      ),
      vis_n as (select id, app_id, row_number() over (order by id) - 1 as k from vis),
      conv as (
        insert into conversations (workspace_id, app_id, visitor_id, status, channel, last_seq, last_public_seq,
          last_message_at, preview, public_preview, created_at, archived_at)
        select ${workspaceId}, v.app_id, v.id, 'closed', case when g.r_channel < 0.1 then 'web_form' else 'chat' end, 4, 3,
          g.started + g.minutes * interval '1 minute', 'This chat has ended', 'This chat has ended',
          g.started, g.started + (g.minutes + 5) * interval '1 minute'
        from g join vis_n v on v.k = g.customer % (select count(*) from vis_n)
        returning id, visitor_id, created_at, last_message_at, archived_at
      ),
      conv_r as (
        select c.*, g.r_queue, g.r_agent, g.r_reason
        from (select c.*, row_number() over (order by c.id) as i from conv c) c join g on g.i = c.i
      ),
      msgs as (
        insert into messages (conversation_id, seq, public_seq, sender_kind, sender_id, sender_name, client_message_id, body, internal, created_at)
        select c.id, s.seq, s.public_seq, s.kind,
          case s.kind when 'visitor' then c.visitor_id::text when 'agent' then (${array(fx.agents)})[1 + c.r_agent % ${fx.agents.length}] else 'system' end,
          null, 'seed-' || s.seq, s.body, s.internal, c.last_message_at - (4 - s.seq) * interval '20 seconds'
        from conv_r c cross join (values
          (1, 1, 'visitor', 'Hello, my order has not arrived', false),
          (2, 2, 'agent', 'Let me look that up for you', false),
          (3, null, 'agent', 'Carrier lost it; refund approved', true),
          (4, 3, 'system', 'This chat has ended', false)) as s(seq, public_seq, kind, body, internal)
        returning 1
      ),
      routed as (
        insert into routing (conversation_id, workspace_id, queue_id, state, owner_agent_id, waiting_since, owned_at, resolved_at, wrap_up)
        select c.id, ${workspaceId}, (${array(fx.queues)})[1 + c.r_queue % ${fx.queues.length}]::uuid, 'resolved',
          (${array(fx.agents)})[1 + c.r_agent % ${fx.agents.length}]::uuid, c.created_at, c.created_at, c.archived_at,
          (${array(fx.reasons)})[1 + c.r_reason % ${fx.reasons.length}]
        from conv_r c
        returning 1
      )
      select (select count(*) from conv) as conversations, (select count(*) from msgs) as messages, (select count(*) from routed) as routed`);
    done += n;
    console.log(`  ${String(done).padStart(String(count).length)} / ${count} conversations  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  if (database.kind === 'postgres') await database.db.execute(sql`analyze conversations, messages, routing, visitors`);
  else await database.db.execute(sql`analyze`);
  const [totals] = rowsOf<{ archived: string; messages: string }>(
    await database.db.execute(sql`select (select count(*) from conversations where workspace_id = ${workspaceId} and archived_at is not null) as archived,
      (select count(*) from messages m join conversations c on c.id = m.conversation_id where c.workspace_id = ${workspaceId}) as messages`),
  );
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s: workspace ${workspaceId} holds ${totals!.archived} archived conversations, ${totals!.messages} messages`);
} finally {
  await database.close();
}
