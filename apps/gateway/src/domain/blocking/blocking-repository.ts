import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { addressKeys, agents, apps, blocks, visitorAddresses, visitors, type BlockRow } from '../../db/schema/index.ts';
import type { CursorPosition } from '../views/cursor.ts';

/** The rows of a raw query, on PostgreSQL (an array) and on PGlite (`{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A block with the names admins see. */
export interface BlockListRow {
  block: BlockRow;
  visitorName: string | null;
  blockerName: string | null;
  sortValue: string;
}

/** The blocking queries. Only this module touches `blocks`, `visitor_addresses` and `address_keys`. */
export function createBlockingRepository(db: Database) {
  return {
    /** The workspace's address key, made on first need (several nodes at once agree on one). */
    async key(workspaceId: string): Promise<string> {
      await db.insert(addressKeys).values({ workspaceId, key: randomBytes(32).toString('base64url') }).onConflictDoNothing();
      const [row] = await db.select({ key: addressKeys.key }).from(addressKeys).where(eq(addressKeys.workspaceId, workspaceId));
      return row!.key;
    },

    /** An app's workspace and its address key, if one was made; undefined for an unknown app. */
    async appKey(appId: string): Promise<{ workspaceId: string; key: string | null } | undefined> {
      const [row] = await db
        .select({ workspaceId: apps.workspaceId, key: addressKeys.key })
        .from(apps)
        .leftJoin(addressKeys, eq(addressKeys.workspaceId, apps.workspaceId))
        .where(eq(apps.id, appId));
      return row;
    },

    /** Whether an address (its hash) is blocked in a workspace. */
    async addressBlocked(workspaceId: string, ipHash: string): Promise<boolean> {
      const [row] = await db.select({ id: blocks.id }).from(blocks).where(and(eq(blocks.workspaceId, workspaceId), eq(blocks.ipHash, ipHash))).limit(1);
      return row !== undefined;
    },

    /**
     * In one statement: records the address a visitor connects from (written only when it
     * changed), and answers whether the visitor or that address is blocked in the workspace.
     */
    async connect(workspaceId: string, visitorId: string, ipHash: string | undefined): Promise<boolean> {
      const result = await db.execute(sql`
        with seen as (
          insert into ${visitorAddresses} (visitor_id, ip_hash, seen_at)
          select ${visitorId}::uuid, ${ipHash ?? null}::text, now() where ${ipHash ?? null}::text is not null
          on conflict (visitor_id) do update set ip_hash = excluded.ip_hash, seen_at = excluded.seen_at
            where ${visitorAddresses}.ip_hash <> excluded.ip_hash
          returning 1
        )
        select exists (select 1 from ${blocks} b where b.workspace_id = ${workspaceId}
          and (b.visitor_id = ${visitorId}::uuid or b.ip_hash = ${ipHash ?? null}::text)) as blocked`);
      return Boolean(rowsOf<{ blocked: boolean }>(result)[0]?.blocked);
    },

    /**
     * Blocks a visitor of a workspace, and with `byIp` the address they last connected from (when
     * one is known); blocking again keeps the first block and adds the address. Answers the block.
     */
    async block(values: { workspaceId: string; visitorId: string; byIp: boolean; conversationId: string; reason: string | null; blockedBy: string; at: Date }): Promise<BlockRow> {
      const address = values.byIp ? sql`(select a.ip_hash from ${visitorAddresses} a where a.visitor_id = ${values.visitorId}::uuid)` : sql`null`;
      const [row] = await db
        .insert(blocks)
        .values({
          workspaceId: values.workspaceId,
          visitorId: values.visitorId,
          ipHash: address,
          conversationId: values.conversationId,
          reason: values.reason,
          blockedBy: values.blockedBy,
          createdAt: values.at,
        })
        .onConflictDoUpdate({
          target: [blocks.workspaceId, blocks.visitorId],
          set: { ipHash: sql`coalesce(excluded.ip_hash, ${blocks.ipHash})`, reason: sql`coalesce(excluded.reason, ${blocks.reason})` },
        })
        .returning();
      return row!;
    },

    /** A page of a workspace's blocks, newest first, after a cursor; or the one block `only`. */
    async list(workspaceId: string, after: CursorPosition | undefined, limit: number, only?: string): Promise<BlockListRow[]> {
      return db
        .select({
          block: blocks,
          visitorName: visitors.name,
          blockerName: agents.name,
          sortValue: sql<string>`to_char(${blocks.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
        })
        .from(blocks)
        .innerJoin(visitors, eq(visitors.id, blocks.visitorId))
        .leftJoin(agents, eq(agents.id, blocks.blockedBy))
        .where(
          and(
            eq(blocks.workspaceId, workspaceId),
            only ? eq(blocks.id, only) : undefined,
            after ? sql`(${blocks.createdAt}, ${blocks.id}) < ((${after.sort}::timestamp at time zone 'UTC'), ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(sql`${blocks.createdAt} desc nulls last`, sql`${blocks.id} desc nulls last`)
        .limit(limit);
    },

    /** Lifts a block of a workspace; answers the visitor it blocked, or undefined when there is no such block. */
    async unblock(workspaceId: string, id: string): Promise<string | undefined> {
      const [row] = await db.delete(blocks).where(and(eq(blocks.id, id), eq(blocks.workspaceId, workspaceId))).returning({ visitorId: blocks.visitorId });
      return row?.visitorId;
    },
  };
}

/** The blocking repository's interface. */
export type BlockingRepository = ReturnType<typeof createBlockingRepository>;
