import { randomUUID } from 'node:crypto';
import type { OpenDatabase } from '../../src/db/database.ts';
import { conversations, messages, routing, visitors } from '../../src/db/schema/index.ts';

/** One message of a seeded conversation: who wrote it and whether it is an internal note. */
export interface SeedMessage {
  kind: 'visitor' | 'agent' | 'system';
  internal?: boolean;
  body?: string;
}

/** What a seeded conversation looks like. Times default to now; `owner` makes a routing row. */
export interface SeedConversation {
  workspaceId?: string;
  appId?: string;
  visitorId?: string;
  visitorName?: string;
  status?: 'open' | 'closed';
  channel?: 'chat' | 'web_form';
  createdAt?: Date;
  lastMessageAt?: Date;
  archivedAt?: Date | null;
  messages?: SeedMessage[];
  routing?: { queueId?: string | null; owner?: string | null; state?: 'waiting' | 'owned' | 'resolved'; wrapUp?: string | null };
}

/**
 * Inserts a conversation with its messages (gap-free seq and public seq, counters and preview as
 * the message writer keeps them) and, when asked, its routing row, straight into the database:
 * for tests that need exact times and states.
 */
export async function seedConversation(database: OpenDatabase, seed: SeedConversation = {}) {
  const { db } = database;
  const workspaceId = seed.workspaceId ?? 'demo';
  const appId = seed.appId ?? 'demo';
  const visitorId = seed.visitorId ?? (await db.insert(visitors).values({ appId, name: seed.visitorName ?? 'Seeded visitor' }).returning())[0]!.id;
  const createdAt = seed.createdAt ?? new Date();
  const list = seed.messages ?? [{ kind: 'visitor' }];
  const lastMessageAt = list.length ? (seed.lastMessageAt ?? createdAt) : null;
  let publicSeq = 0;
  const rows = list.map((m, i) => {
    const internal = m.internal ?? false;
    if (!internal) publicSeq++;
    return {
      id: randomUUID(),
      seq: i + 1,
      publicSeq: internal ? null : publicSeq,
      senderKind: m.kind,
      senderId: m.kind === 'visitor' ? visitorId : m.kind === 'agent' ? randomUUID() : 'system',
      clientMessageId: randomUUID(),
      body: m.body ?? `${m.kind} message ${i + 1}`,
      internal,
      createdAt: lastMessageAt ?? createdAt,
    };
  });
  const last = rows.at(-1);
  const lastPublic = rows.filter((r) => !r.internal).at(-1);
  const [conversation] = await db
    .insert(conversations)
    .values({
      workspaceId,
      appId,
      visitorId,
      status: seed.status ?? 'open',
      channel: seed.channel ?? 'chat',
      lastSeq: rows.length,
      lastPublicSeq: publicSeq,
      lastMessageAt,
      preview: last?.body ?? null,
      publicPreview: lastPublic?.body ?? null,
      createdAt,
      archivedAt: seed.archivedAt ?? null,
    })
    .returning();
  if (rows.length) await db.insert(messages).values(rows.map((r) => ({ ...r, conversationId: conversation!.id })));
  if (seed.routing) {
    const state = seed.routing.state ?? (seed.routing.owner ? 'owned' : 'waiting');
    await db.insert(routing).values({
      conversationId: conversation!.id,
      workspaceId,
      queueId: seed.routing.queueId ?? null,
      state,
      ownerAgentId: seed.routing.owner ?? null,
      waitingSince: createdAt,
      ownedAt: seed.routing.owner ? createdAt : null,
      resolvedAt: state === 'resolved' ? (seed.archivedAt ?? createdAt) : null,
      wrapUp: seed.routing.wrapUp ?? null,
    });
  }
  return { ...conversation!, visitorId };
}

/** A time `minutes` before a fixed base, so seeded conversations sort predictably. */
export const minutesAgo = (minutes: number, base = Date.parse('2026-03-01T12:00:00Z')) => new Date(base - minutes * 60_000);
