import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** One e-mail, ready to go. */
export interface OutgoingMail {
  /** Stable per e-mail (`<id@domain>`): a copy sent again after a crash carries the same id, so mail programs show it once. */
  messageId: string;
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** The language it is written in (a BCP 47 tag), sent as `Content-Language` (RFC 3282). */
  language?: string;
}

/** Sends e-mails: over SMTP, or into an outbox folder when no server is set. */
export interface Mailer {
  /** Sends one e-mail; resolves with where it went (the server's answer, or the file), rejects when it did not go. */
  send(mail: OutgoingMail): Promise<string>;
  /** Where e-mails go, for the start-up log: `smtp` or the outbox folder. */
  readonly target: string;
  close(): void;
}

// An SMTP server that does not answer must not hold a try for long: the job takes the e-mail
// for two minutes (see reply-email-service.ts), and these keep one try well inside that.
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/**
 * The gateway's mailer. With `smtpUrl` (`smtp://user:password@host:587`, or `smtps://` for TLS
 * from the start) it sends through that server with nodemailer, which upgrades to TLS when the
 * server offers it. Without, each e-mail is written as an `.eml` file (RFC 5322, CRLF line ends)
 * to `outbox`, which a mail program opens: nothing leaves the machine.
 *
 * @example
 * const mailer = createMailer({ smtpUrl: process.env.PARLEY_SMTP_URL, outbox: '.data/outbox' });
 * await mailer.send({ messageId: '<1@example.com>', from: 'Support <no-reply@example.com>', to: { name: '', address: 'ayse@example.com' }, subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' });
 */
export function createMailer({ smtpUrl, outbox }: { smtpUrl: string | undefined; outbox: string }): Mailer {
  // RFC 3834: auto-responders do not answer it. RFC 3282: mail programs know which language it is in.
  const withHeaders = ({ language, ...mail }: OutgoingMail) => ({ ...mail, headers: { 'Auto-Submitted': 'auto-generated', ...(language && { 'Content-Language': language }) } });
  if (smtpUrl) {
    const transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
    return {
      target: 'smtp',
      async send(mail) {
        const info = await transport.sendMail(withHeaders(mail));
        return `smtp: ${info.response}`;
      },
      close: () => transport.close(),
    };
  }
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    target: outbox,
    async send(mail) {
      const { message } = await composer.sendMail(withHeaders(mail));
      await mkdir(outbox, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/^<|@.*$/g, '').replace(/[^\w-]/g, '')}.eml`;
      const file = join(outbox, name);
      // Written whole, then renamed: whoever watches the folder never opens half a message.
      await writeFile(`${file}.part`, message as Buffer);
      await rename(`${file}.part`, file);
      return file;
    },
    close: () => composer.close(),
  };
}
