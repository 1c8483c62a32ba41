import type { Attachment } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { attachments, conversations, messages } from '../../db/schema/index.ts';

/** Who uploaded a file: the principal kind and id, as messages name their sender. */
export interface Uploader {
  kind: 'visitor' | 'agent';
  id: string;
}

/** A file's metadata with what decides who may read it. */
export interface AttachmentAccess {
  attachment: Attachment;
  uploader: Uploader;
  /** The message that carries it, once sent: its conversation's visitor and workspace, and whether it is an internal note. */
  message: { visitorId: string; workspaceId: string; internal: boolean; conversationId?: string } | null;
}

/** What a claim is for: one message of one sender. */
export interface ClaimTarget {
  uploader: Uploader;
  clientMessageId: string;
  internal: boolean;
  /** The conversation, when the message names an existing one. */
  conversationId: string | undefined;
}

/** How long a claim of a message that was never stored holds before another message may take the file. */
const CLAIM_HOLD = '10 minutes';

type Row = Record<string, unknown>;
const rowsOf = (result: unknown): Row[] => (Array.isArray(result) ? result : ((result as { rows?: Row[] }).rows ?? [])) as Row[];
const toAttachment = (r: Row): Attachment => ({ id: String(r.id), name: String(r.name), size: Number(r.size), type: String(r.content_type) });

/** The queries of uploaded files. Only this module touches the `attachments` table. */
export function createAttachmentRepository(db: Database) {
  return {
    /** Stores an upload that no message carries yet. */
    async insert(file: { workspaceId: string; uploader: Uploader; name: string; contentType: string; bytes: Uint8Array }): Promise<Attachment> {
      const [row] = await db
        .insert(attachments)
        .values({
          workspaceId: file.workspaceId,
          uploaderKind: file.uploader.kind,
          uploaderId: file.uploader.id,
          name: file.name,
          size: file.bytes.length,
          contentType: file.contentType,
          bytes: file.bytes,
        })
        .returning({ id: attachments.id, name: attachments.name, size: attachments.size, type: attachments.contentType });
      return row!;
    },

    /**
     * Claims the uploader's files for one message, in the order given, in one statement: each
     * must be theirs and not sent yet (nor claimed by another message in the last ten minutes).
     * Files this same message already carries (a resend) count as claimed. Returns what it got.
     */
    async claim(ids: readonly string[], target: ClaimTarget): Promise<Attachment[]> {
      const { uploader, clientMessageId, internal, conversationId } = target;
      const result = await db.execute(sql`
        with wanted as (
          select x.id::uuid as id, x.position::int as position
          from json_array_elements_text(${JSON.stringify(ids)}::json) with ordinality as x(id, position)
        ),
        claimed as (
          update ${attachments} a set
            claimed_for = ${clientMessageId}, claimed_internal = ${internal}, claimed_conversation_id = ${conversationId ?? null}::uuid,
            claimed_position = w.position, claimed_at = now()
          from wanted w
          where a.id = w.id and a.uploader_kind = ${uploader.kind} and a.uploader_id = ${uploader.id} and a.message_id is null
            and (a.claimed_for is null or a.claimed_for = ${clientMessageId} or a.claimed_at < now() - ${CLAIM_HOLD}::interval)
          returning a.id, a.name, a.size, a.content_type, w.position
        )
        select id, name, size, content_type, position from claimed
        union all
        select a.id, a.name, a.size, a.content_type, w.position from ${attachments} a join wanted w on w.id = a.id
        where a.message_id is not null and a.uploader_kind = ${uploader.kind} and a.uploader_id = ${uploader.id}
          and a.claimed_for = ${clientMessageId}
        order by position`);
      return rowsOf(result).map(toAttachment);
    },

    /** Gives back the files a message claimed but did not carry (it failed, or was a resend that carries others). */
    async release(ids: readonly string[], target: Pick<ClaimTarget, 'uploader' | 'clientMessageId'>): Promise<void> {
      await db.execute(sql`
        update ${attachments} set claimed_for = null, claimed_internal = null, claimed_conversation_id = null, claimed_position = null, claimed_at = null
        where id in (select value::uuid from json_array_elements_text(${JSON.stringify(ids)}::json))
          and uploader_kind = ${target.uploader.kind} and uploader_id = ${target.uploader.id}
          and claimed_for = ${target.clientMessageId} and message_id is null`);
    },

    /** A file's metadata and what decides who may read it; without its bytes. */
    async findAccess(id: string): Promise<AttachmentAccess | undefined> {
      const [row] = await db
        .select({
          id: attachments.id,
          name: attachments.name,
          size: attachments.size,
          type: attachments.contentType,
          uploaderKind: attachments.uploaderKind,
          uploaderId: attachments.uploaderId,
          internal: messages.internal,
          visitorId: conversations.visitorId,
          workspaceId: conversations.workspaceId,
          conversationId: conversations.id,
        })
        .from(attachments)
        .leftJoin(messages, eq(messages.id, attachments.messageId))
        .leftJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(eq(attachments.id, id));
      if (!row) return undefined;
      return {
        attachment: { id: row.id, name: row.name, size: row.size, type: row.type },
        uploader: { kind: row.uploaderKind, id: row.uploaderId },
        message:
          row.internal !== null && row.visitorId !== null && row.workspaceId !== null && row.conversationId !== null
            ? { visitorId: row.visitorId, workspaceId: row.workspaceId, internal: row.internal, conversationId: row.conversationId }
            : null,
      };
    },

    /** A file's bytes. */
    async bytes(id: string): Promise<Uint8Array | undefined> {
      const [row] = await db.select({ bytes: attachments.bytes }).from(attachments).where(eq(attachments.id, id));
      return row?.bytes;
    },

    /** Deletes up to `limit` uploads that no message carried and that are older than `before`. */
    async deleteUnsent(before: Date, limit: number): Promise<number> {
      const result = await db.execute(sql`
        delete from ${attachments} where id in (
          select id from ${attachments} where message_id is null and created_at < ${before.toISOString()}::timestamptz limit ${limit})
        returning 1`);
      return rowsOf(result).length;
    },
  };
}

/** The attachment repository's interface. */
export type AttachmentRepository = ReturnType<typeof createAttachmentRepository>;
