import type { Attachment } from '@parley/protocol';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { NotifyChannel } from '../../bus/bus.ts';
import { prepareStatement, type Database } from '../../db/database.ts';
import { agentStatus, apps, conversationGuests, conversations, jobs, messages, offers, queueAgents, routing, visitors, type ConversationRow, type MessageRow } from '../../db/schema/index.ts';
import { customerNameSql, givenNameSql } from '../customers/customer-repository.ts';
import { replyAddressSql, UNSEEN_REPLIES } from '../reply-emails/reply-email-repository.ts';
import { agentMaySeeSql, defaultQueueSql } from '../routing/routing-repository.ts';

/** One message of a batch, as the batch statement reads it. */
export interface BatchRequest {
  /** Its place in the batch. */
  i: number;
  conv: string;
  kind: MessageRow['senderKind'];
  sender: string;
  name: string | null;
  cmid: string;
  body: string;
  internal: boolean;
  id: string;
  at: string;
  /** Set for a visitor: the conversation must be theirs. */
  visitor: string | null;
  /** An admin agent sees every conversation of the workspace; other agents only those routing lets them (routing-access.ts). */
  admin: boolean;
  workspace: string;
  /** The files it carries (claimed for it beforehand), or null; a statement trigger links them to it. */
  files: Attachment[] | null;
}

/** What a batch statement did. */
export interface BatchResult {
  /** The conversations the batch named that exist, as they were before it. */
  before: Map<string, ConversationRow>;
  /** For requests that resend a stored message (by place in the batch): the original. */
  resent: Map<number, MessageRow>;
  /** The new messages, in seq order. */
  inserted: MessageRow[];
  /** The conversations after the write. */
  after: Map<string, ConversationRow>;
  /** The requests (by place in the batch) the sender may write, as checked under the rows' locks. */
  allowed: Set<number>;
  /** Conversations the write put in a queue (a new one's first message, a resolved one's next), with the queue. */
  enqueued: Map<string, string>;
  /** Agents' replies refused because another reply took the broadcast chat first (`taken`), or the sender had no room (`limit`). */
  blocked: Map<number, 'taken' | 'limit'>;
  /** Broadcast chats a reply took: the conversation, its new owner and its queue. */
  taken: Map<string, { agentId: string; queueId: string }>;
}

interface BatchJson {
  before: ConversationJson[];
  resent: { i: number; message: MessageJson }[];
  /** Each new row's id, seq and public seq: the rest is the request's own. */
  inserted: [string, number, number | null][];
  after: ConversationJson[];
  allowed: number[];
  enqueued: { conv: string; queue: string }[];
  blocked: { i: number; why: 'taken' | 'limit' }[];
  taken: { conv: string; agent: string; queue: string }[];
}

/** A conversation row as `to_jsonb` returns it. */
interface ConversationJson {
  id: string;
  workspace_id: string;
  app_id: string;
  visitor_id: string;
  client_conversation_id: string | null;
  status: ConversationRow['status'];
  last_seq: number;
  last_public_seq: number;
  last_message_at: string | null;
  last_public_message_at: string | null;
  preview: string | null;
  public_preview: string | null;
  created_at: string;
  channel: ConversationRow['channel'];
  archived_at: string | null;
}

function conversationFromJson(c: ConversationJson): ConversationRow {
  return {
    id: c.id,
    workspaceId: c.workspace_id,
    appId: c.app_id,
    visitorId: c.visitor_id,
    clientConversationId: c.client_conversation_id,
    status: c.status,
    lastSeq: c.last_seq,
    lastPublicSeq: c.last_public_seq,
    lastMessageAt: c.last_message_at ? new Date(c.last_message_at) : null,
    lastPublicMessageAt: c.last_public_message_at ? new Date(c.last_public_message_at) : null,
    preview: c.preview,
    publicPreview: c.public_preview,
    createdAt: new Date(c.created_at),
    channel: c.channel,
    archivedAt: c.archived_at ? new Date(c.archived_at) : null,
  };
}


/** A message row as `to_jsonb` returns it. */
interface MessageJson {
  id: string;
  conversation_id: string;
  seq: number;
  public_seq: number | null;
  sender_kind: MessageRow['senderKind'];
  sender_id: string;
  sender_name: string | null;
  client_message_id: string;
  body: string;
  internal: boolean;
  created_at: string;
  attachments: MessageRow['attachments'];
}

function messageFromJson(m: MessageJson): MessageRow {
  return {
    id: m.id,
    conversationId: m.conversation_id,
    seq: m.seq,
    publicSeq: m.public_seq,
    senderKind: m.sender_kind,
    senderId: m.sender_id,
    senderName: m.sender_name,
    clientMessageId: m.client_message_id,
    body: m.body,
    internal: m.internal,
    createdAt: new Date(m.created_at),
    attachments: m.attachments ?? null,
  };
}

/**
 * The rows a batch inserted, in seq order, built from the requests: the statement returns only
 * what the database decided (seq and public seq), not the bodies the gateway already holds.
 */
function insertedRows(requests: BatchRequest[], inserted: [string, number, number | null][]): MessageRow[] {
  const byId = new Map(requests.map((r) => [r.id, r]));
  return inserted
    .map(([id, seq, publicSeq]) => {
      const r = byId.get(id)!;
      return {
        id,
        conversationId: r.conv,
        seq,
        publicSeq,
        senderKind: r.kind,
        senderId: r.sender,
        senderName: r.name,
        clientMessageId: r.cmid,
        body: r.body,
        internal: r.internal,
        createdAt: new Date(r.at),
        attachments: r.files,
      };
    })
    .sort((a, b) => a.seq - b.seq);
}

/**
 * The batch statement, with placeholders for the requests (`requests`, JSON), the channel that
 * announces new messages to other nodes (`channel`, `node`, `announce`) and how long an agent's
 * reply may stay unread before it is e-mailed (`unseenAfterMs`).
 */
function batchStatement() {
  // A message of files alone previews as the files' names.
  const preview = sql.raw(`coalesce(nullif(n.body, ''), (select string_agg(f ->> 'name', ', ') from jsonb_array_elements(n.files) f), '')`);
  return sql`
    with req as (
      select * from jsonb_to_recordset(${sql.placeholder('requests')}::jsonb) as x(i int, conv uuid, kind text, sender text,
        name text, cmid text, body text, internal boolean, id uuid, at timestamptz, visitor uuid, workspace text, files jsonb, admin boolean)
    ),
    locked as (
      select c.* from ${conversations} c where c.id in (select conv from req) order by c.id for no key update
    ),
    routed as (
      select rt.* from ${routing} rt where rt.conversation_id in (select id from locked) order by rt.conversation_id for update
    ),
    allowed as (
      select r.*, l.last_seq, l.last_public_seq from req r join locked l on l.id = r.conv
        left join routed rt on rt.conversation_id = r.conv
      where l.workspace_id = r.workspace and (r.visitor is null or l.visitor_id = r.visitor)
        and (r.kind <> 'agent' or r.admin or rt.conversation_id is null or rt.owner_agent_id = r.sender::uuid
          or (rt.state in ('waiting', 'offered', 'broadcast')
            and exists (select 1 from ${queueAgents} qa where qa.queue_id = rt.queue_id and qa.agent_id = r.sender::uuid for share))
          or exists (select 1 from ${conversationGuests} g where g.conversation_id = r.conv and g.agent_id = r.sender::uuid for share)
          or exists (select 1 from ${offers} f where f.conversation_id = r.conv and f.agent_id = r.sender::uuid and f.state = 'pending' for share))
    ),
    resent as (
      select a.i, to_jsonb(m) as message from allowed a join ${messages} m
        on m.conversation_id = a.conv and m.sender_kind = a.kind and m.sender_id = a.sender and m.client_message_id = a.cmid
    ),
    contenders as (
      -- Public replies to a chat broadcast to a queue, by agents of that queue: the first takes it.
      select a.i, a.conv, a.sender::uuid as agent, a.at, rt.queue_id from allowed a join routed rt on rt.conversation_id = a.conv
      where a.kind = 'agent' and not a.internal and rt.state = 'broadcast'
        and exists (select 1 from ${queueAgents} qa where qa.queue_id = rt.queue_id and qa.agent_id = a.sender::uuid)
        and not exists (select 1 from resent r where r.i = a.i)
    ),
    seats as (
      -- Their presence rows, locked after the routing rows (the order every routing step keeps), so the chat limit holds.
      select s.agent_id, s.status, s.max_chats from ${agentStatus} s
      where s.agent_id in (select agent from contenders) order by s.agent_id for update
    ),
    ranked as (
      select f.*, row_number() over (partition by f.agent order by f.i) as nth,
        (select count(*) from ${routing} r where r.owner_agent_id = f.agent and r.state = 'owned')
          + (select count(*) from ${offers} o where o.agent_id = f.agent and o.state = 'pending' and o.kind <> 'invite') as load
      from (select distinct on (c.conv, c.agent) c.* from contenders c order by c.conv, c.agent, c.i) f
    ),
    granted as (
      select distinct on (k.conv) k.conv, k.agent, k.at, k.queue_id from ranked k join seats s on s.agent_id = k.agent
      where s.status = 'online' and k.load + k.nth <= s.max_chats
      order by k.conv, k.i
    ),
    taken as (
      update ${routing} rt set state = 'owned', owner_agent_id = g.agent, owned_at = g.at from granted g
      where rt.conversation_id = g.conv
      returning rt.conversation_id, rt.owner_agent_id, g.queue_id
    ),
    blocked as (
      -- The others' replies: the chat is someone else's now, or the sender has no room (or is not Online).
      select c.i, case when exists (select 1 from granted g where g.conv = c.conv) then 'taken' else 'limit' end as why
      from contenders c where not exists (select 1 from granted g where g.conv = c.conv and g.agent = c.agent)
    ),
    fresh as (
      select distinct on (a.conv, a.kind, a.sender, a.cmid) a.* from allowed a
      where not exists (select 1 from resent r where r.i = a.i) and not exists (select 1 from blocked b where b.i = a.i)
      order by a.conv, a.kind, a.sender, a.cmid, a.i
    ),
    numbered as (
      select f.*,
        f.last_seq + row_number() over w as seq,
        case when f.internal then null else f.last_public_seq + count(*) filter (where not f.internal) over w end as public_seq
      from fresh f
      window w as (partition by f.conv order by f.i rows between unbounded preceding and current row)
    ),
    inserted as (
      insert into ${messages} (id, conversation_id, seq, public_seq, sender_kind, sender_id, sender_name, client_message_id, body, internal, created_at, attachments)
      select id, conv, seq, public_seq, kind, sender, name, cmid, body, internal, at, files from numbered
      returning id, seq, public_seq
    ),
    replied as (
      -- An agent's public reply to a visitor with an e-mail address starts the conversation's
      -- unseen-replies timer (domain/reply-emails), in this statement, so no reply escapes it. A
      -- reply that finds a timer pending joins it (one per conversation: jobs_unseen_replies_uq).
      insert into ${jobs} (kind, run_at, payload)
      select distinct on (n.conv) ${sql.raw(`'${UNSEEN_REPLIES}'`)}, n.at + ${sql.placeholder('unseenAfterMs')}::int * interval '1 millisecond',
        jsonb_build_object('conversationId', n.conv)
      from numbered n join locked l on l.id = n.conv
      where n.kind = 'agent' and not n.internal and ${replyAddressSql(sql`l.visitor_id`)} is not null
      order by n.conv, n.i
      on conflict do nothing
    ),
    counters as (
      select n.conv,
        max(n.seq) as last_seq,
        max(n.last_public_seq + coalesce(n.public_seq - n.last_public_seq, 0)) as last_public_seq,
        min(n.seq) as first_seq,
        max(n.at) as at,
        max(n.at) filter (where not n.internal) as public_at,
        max(n.at) filter (where n.kind = 'visitor') as visitor_at,
        (array_agg(left(${preview}, 140) order by n.i desc))[1] as preview,
        (array_agg(left(${preview}, 140) order by n.i desc) filter (where not n.internal))[1] as public_preview
      from numbered n group by n.conv
    ),
    updated as (
      update ${conversations} c set
        last_seq = v.last_seq, last_public_seq = v.last_public_seq, last_message_at = v.at,
        last_public_message_at = coalesce(v.public_at, c.last_public_message_at),
        preview = v.preview, public_preview = coalesce(v.public_preview, c.public_preview), status = 'open',
        -- A customer who writes brings an archived conversation back, as migration 0011's trigger
        -- does; cleared here too, so the row this statement returns (and the consoles get) says so.
        archived_at = case when v.visitor_at >= c.archived_at then null else c.archived_at end
      from counters v where c.id = v.conv
      returning c.*
    ),
    visited as (
      select n.conv, min(n.at) as first_at, max(n.at) as last_at, bool_and(l.last_seq = 0) as new_conversation,
        ${defaultQueueSql(sql`l.app_id`, sql`l.workspace_id`)} as queue, l.workspace_id
      from numbered n join locked l on l.id = n.conv
      where n.kind = 'visitor'
      group by n.conv, l.app_id, l.workspace_id
    ),
    enrolled as (
      insert into ${routing} (conversation_id, workspace_id, queue_id, waiting_since)
      select v.conv, v.workspace_id, v.queue, v.first_at from visited v
      where v.new_conversation and v.queue is not null and not exists (select 1 from routed rt where rt.conversation_id = v.conv)
      on conflict do nothing
      returning conversation_id, queue_id
    ),
    requeued as (
      update ${routing} rt set state = 'waiting', owner_agent_id = null, waiting_since = v.last_at, owned_at = null, resolved_at = null,
        wrap_up = null, queue_id = coalesce(rt.queue_id, v.queue)
      from visited v
      where rt.conversation_id = v.conv and rt.state = 'resolved' and coalesce(rt.queue_id, v.queue) is not null
      returning rt.conversation_id, rt.queue_id
    ),
    unrouted as (
      -- Resolved with no queue to wait in (the workspace has none): back to every agent of the workspace.
      delete from ${routing} rt using visited v
      where rt.conversation_id = v.conv and rt.state = 'resolved' and coalesce(rt.queue_id, v.queue) is null
      returning rt.conversation_id
    ),
    announced as (
      select pg_notify(${sql.placeholder('channel')}, concat_ws('|', ${sql.placeholder('node')}::text, v.conv, v.first_seq, v.last_seq))
      from counters v where ${sql.placeholder('announce')}::boolean
    )
    select jsonb_build_object(
      'before', (select coalesce(jsonb_agg(to_jsonb(l)), '[]') from locked l),
      'resent', (select coalesce(jsonb_agg(jsonb_build_object('i', r.i, 'message', r.message)), '[]') from resent r),
      'inserted', (select coalesce(jsonb_agg(jsonb_build_array(m.id, m.seq, m.public_seq)), '[]') from inserted m),
      'after', (select coalesce(jsonb_agg(to_jsonb(u)), '[]') from updated u),
      'allowed', (select coalesce(jsonb_agg(a.i), '[]') from allowed a),
      'blocked', (select coalesce(jsonb_agg(jsonb_build_object('i', b.i, 'why', b.why)), '[]') from blocked b),
      'taken', (select coalesce(jsonb_agg(jsonb_build_object('conv', t.conversation_id, 'agent', t.owner_agent_id, 'queue', t.queue_id)), '[]') from taken t),
      'unrouted', (select count(*) from unrouted),
      'enqueued', (select coalesce(jsonb_agg(jsonb_build_object('conv', e.conversation_id, 'queue', e.queue_id)), '[]')
        from (select * from enrolled union all select * from requeued) e),
      'announced', (select count(*) from announced)
    ) as result`;
}

/** The queries of the conversation aggregate. Only this module touches its tables. */
export function createConversationRepository(db: Database, { unseenEmailAfterMs = 60_000 }: { unseenEmailAfterMs?: number } = {}) {
  // The batch statement (see writeBatch), turned into text once.
  const writeStatement = prepareStatement(db, batchStatement());
  return {

    /** Creates the visitor's conversations named by client ids, unless they exist; returns all ids. */
    async ensureVisitorConversations(
      wanted: { visitorId: string; appId: string; workspaceId: string; clientConversationId: string }[],
    ): Promise<Map<string, string>> {
      if (!wanted.length) return new Map();
      await db.insert(conversations).values(wanted).onConflictDoNothing({
        target: [conversations.visitorId, conversations.clientConversationId],
      });
      const rows = await db
        .select({ id: conversations.id, visitorId: conversations.visitorId, clientConversationId: conversations.clientConversationId })
        .from(conversations)
        .where(
          and(
            inArray(conversations.visitorId, [...new Set(wanted.map((w) => w.visitorId))]),
            inArray(conversations.clientConversationId, [...new Set(wanted.map((w) => w.clientConversationId))]),
          ),
        );
      return new Map(rows.map((r) => [`${r.visitorId}/${r.clientConversationId}`, r.id]));
    },

    /**
     * Writes a batch in one statement, without a transaction around it: locks the batch's
     * conversations in id order (two batches never deadlock), then their routing rows, and
     * checks under those locks that each agent may write there (so a transfer or a leave that
     * commits first wins); finds resends, numbers the new messages per conversation (seq, and
     * public seq skipping internal notes) from the locked counters, lets the first reply to a chat
     * broadcast to the sender's queue take it (within the sender's chat limit, under their
     * presence row's lock) and refuses the others' replies, inserts them, moves the
     * counters and previews, puts a new conversation's first visitor message (or a resolved
     * one's next) in its app's queue, starts the unseen-replies timer of a conversation an agent
     * replied in (domain/reply-emails), and announces the new seq ranges on `channel`. Returns the
     * locked rows as they were, the stored originals of resends, the inserted rows, the
     * conversations after the write, the requests allowed, and the conversations enqueued.
     */
    async writeBatch(requests: BatchRequest[], channel: NotifyChannel | undefined): Promise<BatchResult> {
      if (!requests.length) return { before: new Map(), resent: new Map(), inserted: [], after: new Map(), allowed: new Set(), enqueued: new Map(), blocked: new Map(), taken: new Map() };
      const result = await writeStatement({
        requests: JSON.stringify(requests),
        channel: channel?.name ?? '',
        node: channel?.node ?? '',
        announce: channel !== undefined,
        unseenAfterMs: unseenEmailAfterMs,
      });
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { result: BatchJson | string }[];
      const raw = rows[0]!.result;
      const json: BatchJson = typeof raw === 'string' ? JSON.parse(raw) : raw;
      const before = new Map(json.before.map((c) => [c.id, conversationFromJson(c)]));
      const after = new Map(before);
      for (const c of json.after) after.set(c.id, conversationFromJson(c));
      return {
        before,
        resent: new Map(json.resent.map((r) => [r.i, messageFromJson(r.message)])),
        inserted: insertedRows(requests, json.inserted),
        after,
        allowed: new Set(json.allowed),
        enqueued: new Map(json.enqueued.map((e) => [e.conv, e.queue])),
        blocked: new Map(json.blocked.map((b) => [b.i, b.why])),
        taken: new Map(json.taken.map((t) => [t.conv, { agentId: t.agent, queueId: t.queue }])),
      };
    },

    async findConversation(id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      return row;
    },

    /** A visitor's conversations, most recently active first (by what the visitor may see: an internal note does not move one). */
    async listForVisitor(visitorId: string, status: 'open' | 'closed' | undefined, limit: number): Promise<ConversationRow[]> {
      return db
        .select()
        .from(conversations)
        .where(and(eq(conversations.visitorId, visitorId), status ? eq(conversations.status, status) : undefined))
        .orderBy(sql`${conversations.lastPublicMessageAt} desc nulls last`, desc(conversations.createdAt))
        .limit(limit);
    },

    /**
     * A workspace's conversations with their visitors, most recently active first: all of them,
     * or only those the agent `viewer` may see (routing-access.ts). Archived ones are left out:
     * the inbox is a main view (the archive has its own, domain/views).
     */
    async listForWorkspace(workspaceId: string, status: 'open' | 'closed', limit: number, viewer?: string) {
      return db
        .select({ conversation: conversations, visitor: { id: visitors.id, name: customerNameSql() } })
        .from(conversations)
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .where(
          and(
            eq(conversations.workspaceId, workspaceId),
            eq(conversations.status, status),
            isNull(conversations.archivedAt),
            viewer !== undefined ? agentMaySeeSql(viewer, conversations.id) : undefined,
          ),
        )
        .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.createdAt))
        .limit(limit);
    },

    /**
     * A visitor as agents name them (customerNameSql), and whether that name was given beyond
     * their own (a verified contact's, or an agent's "Add as contact"): then a name the visitor
     * types does not replace it.
     */
    async findVisitor(id: string): Promise<{ id: string; name: string | null; given: boolean } | undefined> {
      const [row] = await db.select({ id: visitors.id, own: visitors.name, given: givenNameSql() }).from(visitors).where(eq(visitors.id, id));
      return row && { id: row.id, name: row.given ?? row.own, given: row.given != null };
    },

    /** Up to `limit` messages with seq (or public seq) before a bound, newest first. */
    async page(conversationId: string, audience: 'agent' | 'visitor', beforeSeq: number | undefined, limit: number): Promise<MessageRow[]> {
      const column = audience === 'agent' ? messages.seq : messages.publicSeq;
      return db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            audience === 'visitor' ? isNotNull(messages.publicSeq) : undefined,
            beforeSeq !== undefined ? lt(column, beforeSeq) : undefined,
          ),
        )
        .orderBy(desc(column))
        .limit(limit);
    },

    /** Up to `limit` messages after a seq (or public seq), oldest first. */
    async after(conversationId: string, audience: 'agent' | 'visitor', afterSeq: number, limit: number): Promise<MessageRow[]> {
      const column = audience === 'agent' ? messages.seq : messages.publicSeq;
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), gt(column, afterSeq)))
        .orderBy(asc(column))
        .limit(limit);
    },

    /** Messages of one conversation in a seq range, for a node that was told of them by the bus. */
    async range(conversationId: string, fromSeq: number, toSeq: number): Promise<MessageRow[]> {
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), sql`${messages.seq} between ${fromSeq} and ${toSeq}`))
        .orderBy(asc(messages.seq));
    },
  };
}

/** The conversation repository's interface. */
export type ConversationRepository = ReturnType<typeof createConversationRepository>;
