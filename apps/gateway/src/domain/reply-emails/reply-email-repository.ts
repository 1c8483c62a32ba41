import { and, asc, eq, gt, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/database.ts';
import { apps, contacts, conversationReads, conversations, jobs, messages, replyEmails, visitors, type MessageRow, type ReplyEmailRow } from '../../db/schema/index.ts';
import type { Tx } from '../routing/routing-repository.ts';

/**
 * The job a conversation's first unread reply starts: when it runs, the replies the visitor has
 * still not read are e-mailed. At most one is pending per conversation (`jobs_unseen_replies_uq`
 * names this kind).
 */
export const UNSEEN_REPLIES = 'conversation.unseen_replies';
/** The job that sends one written e-mail, and tries again with backoff when the mail server fails. */
export const REPLY_EMAIL_SEND = 'reply_email.send';

/**
 * The address a visitor's replies are e-mailed to, for a query that names the visitor's id: the
 * verified contact's e-mail (the website vouched for it), else the one the visitor gave (pre-chat
 * form, "leave your e-mail", the SDK's `update`, the web form); null when there is none.
 */
export function replyAddressSql(visitorId: SQL | AnyPgColumn): SQL<string | null> {
  return sql<string | null>`(select coalesce(rc.email, rv.email) from ${visitors} rv left join ${contacts} rc on rc.id = rv.contact_id where rv.id = ${visitorId})`;
}

/** What an unseen-replies timer finds: where to write, and the replies to send. */
export interface UnseenReplies {
  address: string;
  visitorName: string | null;
  /** The language of the visitor the conversation belongs to; null when not told. */
  locale: string | null;
  appName: string;
  /** The agents' public replies after the visitor's read position and after the last e-mail, in seq order. */
  replies: MessageRow[];
}

/** The reply e-mails' queries; the only module that touches `reply_emails`. */
export function createReplyEmailRepository(db: Database) {
  return {
    /**
     * Inside the timer's transaction: locks the conversation's row against new messages (FOR
     * SHARE waits for a batch that is writing to it, so its replies are read, or the batch waits
     * and starts a new timer), then reads the visitor's address and the replies they have not
     * read and no e-mail carried yet. Only agents' public replies: never an internal note, the
     * bot's reply or routing's notes. Undefined when the conversation is gone or has no address.
     */
    async unseenReplies(tx: Tx, conversationId: string): Promise<UnseenReplies | undefined> {
      const [row] = await tx
        .select({
          address: replyAddressSql(conversations.visitorId),
          visitorName: sql<string | null>`coalesce((select c.name from ${contacts} c where c.id = ${visitors.contactId}), ${visitors.name})`,
          locale: visitors.locale,
          appName: apps.name,
        })
        .from(conversations)
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .innerJoin(apps, eq(apps.id, conversations.appId))
        .where(eq(conversations.id, conversationId))
        .for('share', { of: conversations });
      if (!row?.address) return undefined;
      const replies = await tx
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.senderKind, 'agent'),
            eq(messages.internal, false),
            isNotNull(messages.publicSeq),
            gt(
              messages.publicSeq,
              sql`coalesce((select max(r.public_seq) from ${conversationReads} r where r.conversation_id = ${conversationId} and r.reader_kind = 'visitor'), 0)`,
            ),
            gt(messages.seq, sql`coalesce((select max(e.through_seq) from ${replyEmails} e where e.conversation_id = ${conversationId}), 0)`),
          ),
        )
        .orderBy(asc(messages.seq));
      return { address: row.address, visitorName: row.visitorName, locale: row.locale, appName: row.appName, replies };
    },

    /** Records an e-mail and the job that sends it (due at once), in the timer's transaction. */
    async insertEmail(tx: Tx, email: Omit<ReplyEmailRow, 'id' | 'createdAt' | 'sentAt' | 'failedAt' | 'error'>, at: Date): Promise<string> {
      const [row] = await tx.insert(replyEmails).values({ ...email, createdAt: at }).returning({ id: replyEmails.id });
      await tx.insert(jobs).values({ kind: REPLY_EMAIL_SEND, runAt: at, payload: { emailId: row!.id, conversationId: email.conversationId } });
      return row!.id;
    },

    /** An e-mail, locked for its send job's transaction. */
    async lockEmail(tx: Tx, id: string): Promise<ReplyEmailRow | undefined> {
      const [row] = await tx.select().from(replyEmails).where(eq(replyEmails.id, id)).for('update');
      return row;
    },

    /** The e-mail went: it and its send job are done. */
    async sent(id: string, jobId: string, at: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(replyEmails).set({ sentAt: at, error: null }).where(eq(replyEmails.id, id));
        await tx.update(jobs).set({ doneAt: at }).where(eq(jobs.id, jobId));
      });
    },

    /** The e-mail failed: tried again at `retryAt`, or given up when that is null. */
    async failed(id: string, jobId: string, at: Date, error: string, retryAt: Date | null): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(replyEmails).set({ error, ...(retryAt ? {} : { failedAt: at }) }).where(eq(replyEmails.id, id));
        await tx.update(jobs).set(retryAt ? { runAt: retryAt } : { doneAt: at }).where(eq(jobs.id, jobId));
      });
    },
  };
}

/** The reply e-mail repository's interface. */
export type ReplyEmailRepository = ReturnType<typeof createReplyEmailRepository>;
