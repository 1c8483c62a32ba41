import type { Database } from '../../db/database.ts';
import type { JobRow } from '../../db/schema/index.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { JobHandler, JobOutcome } from '../routing/job-runner.ts';
import type { Tx } from '../routing/routing-repository.ts';
import { renderReplyEmail } from './reply-email-content.ts';
import { createReplyEmailRepository, REPLY_EMAIL_SEND, UNSEEN_REPLIES } from './reply-email-repository.ts';

export { REPLY_EMAIL_SEND, UNSEEN_REPLIES } from './reply-email-repository.ts';

/** How long a try holds its e-mail: longer than the mailer's timeouts, so two nodes never send it at once. */
export const SEND_LEASE_MS = 120_000;
/** The longest wait between two tries. */
const MAX_RETRY_MS = 3_600_000;

/** A single address, as the widget's and the SDK's e-mail checks let in: nothing that could name a second recipient. */
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** The log lines the service writes (pino's signature). */
interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * E-mails visitors the agents' replies they have not read in time (MISSION.md V10). A public
 * reply from an agent to a visitor with an e-mail address starts the conversation's
 * unseen-replies timer (the message batch inserts the job, in the same statement as the reply;
 * one pending per conversation). When it runs, the replies the visitor has not read and no
 * e-mail carried yet are written into one e-mail, recorded with the last message it carries,
 * and handed to a send job in the same transaction; a visitor who read them gets nothing. The
 * send job takes the e-mail for `SEND_LEASE_MS`, sends it outside any transaction, then marks
 * it sent; a failure is tried again after `retryMs`, doubling, up to `attempts` tries, and
 * logged. Both are durable jobs (job-runner.ts), claimed with SKIP LOCKED, so an e-mail goes
 * once across gateway nodes and restarts. Nothing here ever reaches a message delivery: a mail
 * server that fails only delays e-mails.
 */
export function createReplyEmailService({
  db,
  mailer,
  from,
  retryMs,
  attempts,
  clock = () => new Date(),
  log,
}: {
  db: Database;
  mailer: Mailer;
  /** The `From` of every e-mail (PARLEY_MAIL_FROM). */
  from: string;
  /** The wait before the second try; it doubles with each one after. */
  retryMs: number;
  /** Tries before an e-mail is given up. */
  attempts: number;
  clock?: () => Date;
  log: Log;
}) {
  const repo = createReplyEmailRepository(db);
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';

  /** The timer ran: writes the e-mail of the replies still unread, if any. */
  const compose: JobHandler = async (tx, job) => {
    const conversationId = job.payload.conversationId;
    if (!conversationId) return {};
    const unseen = await repo.unseenReplies(tx, conversationId);
    if (!unseen?.replies.length) return {};
    if (!ADDRESS.test(unseen.address)) {
      log.warn({ conversationId }, 'unread replies not e-mailed: the visitor\'s e-mail address is not one address');
      return {};
    }
    const content = renderReplyEmail({
      appName: unseen.appName,
      visitorName: unseen.visitorName,
      locale: unseen.locale,
      replies: unseen.replies.map((m) => ({ authorName: m.senderName, body: m.body, files: (m.attachments ?? []).map((f) => f.name), at: m.createdAt })),
    });
    await repo.insertEmail(
      tx,
      {
        conversationId,
        throughSeq: unseen.replies.at(-1)!.seq,
        messageIds: unseen.replies.map((m) => m.id),
        toAddress: unseen.address,
        subject: content.subject,
        textBody: content.text,
        htmlBody: content.html,
        locale: content.locale,
      },
      clock(),
    );
    return {};
  };

  /** A send job came due: takes its e-mail for one try, made after the commit. */
  const send: JobHandler = async (tx: Tx, job: JobRow): Promise<JobOutcome> => {
    const email = job.payload.emailId ? await repo.lockEmail(tx, job.payload.emailId) : undefined;
    if (!email || email.sentAt || email.failedAt) return {};
    const tries = job.attempts + 1;
    return {
      postponeTo: new Date(clock().getTime() + SEND_LEASE_MS),
      after: async () => {
        let where: string;
        try {
          where = await mailer.send({
            messageId: `<${email.id}@${domain}>`,
            from,
            to: { name: '', address: email.toAddress },
            subject: email.subject,
            text: email.textBody,
            html: email.htmlBody,
            language: email.locale,
          });
        } catch (error) {
          const retryAt = tries < attempts ? new Date(clock().getTime() + Math.min(retryMs * 2 ** (tries - 1), MAX_RETRY_MS)) : null;
          await repo.failed(email.id, job.id, clock(), error instanceof Error ? error.message : String(error), retryAt);
          const fields = { err: error, conversationId: email.conversationId, emailId: email.id, tries };
          if (retryAt) log.warn({ ...fields, retryAt }, `e-mail of unread replies failed (try ${tries} of ${attempts}); trying again later`);
          else log.error(fields, `e-mail of unread replies given up after ${tries} tries`);
          return;
        }
        // Recorded apart from the try: only a failed send is tried again.
        await repo.sent(email.id, job.id, clock());
        const fields = { conversationId: email.conversationId, emailId: email.id };
        if (mailer.target === 'smtp') log.info({ ...fields, result: where }, 'unread replies e-mailed to the visitor');
        else log.info({ ...fields, file: where }, `unread replies e-mailed to the visitor: no SMTP server is set, so the e-mail was written to ${where}`);
      },
    };
  };

  return {
    /** The job runner's handlers for the unseen-replies timer and the send job. */
    handlers: { [UNSEEN_REPLIES]: compose, [REPLY_EMAIL_SEND]: send } satisfies Record<string, JobHandler>,
    /** Closes the mailer's connections. */
    close: () => mailer.close(),
  };
}

/** The reply e-mail service's interface. */
export type ReplyEmailService = ReturnType<typeof createReplyEmailService>;
