import { VISITOR_LOCALES, type VisitorLocale } from '@parley/protocol';

/** One agent's reply as the e-mail shows it. */
export interface EmailedReply {
  /** The agent's name when they wrote it; the app's name stands in when there is none. */
  authorName: string | null;
  body: string;
  /** Names of the files sent with it (the files themselves stay in the chat). */
  files: string[];
  at: Date;
}

/** An e-mail's subject, its two bodies, and the language they are in. */
export interface ReplyEmailContent {
  subject: string;
  text: string;
  html: string;
  /** The language it is written in, for its `Content-Language` header (RFC 3282). */
  locale: VisitorLocale;
}

/** The words of the e-mail in one language; `app` is the app's name, `count` the number of replies. */
interface EmailStrings {
  subject(app: string): string;
  greeting(name: string | null): string;
  intro(app: string, count: number): string;
  files: string;
  outro: string;
}

/** The e-mail in each language the widget speaks, so a visitor reads it in the language they chatted in. */
const STRINGS: Record<VisitorLocale, EmailStrings> = {
  en: {
    subject: (app) => `New reply from ${app}`,
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (app, count) => (count === 1 ? `You have a new reply from ${app} in your chat:` : `You have ${count} new replies from ${app} in your chat:`),
    files: 'Files:',
    outro: 'To answer, go back to the chat where you wrote to us.',
  },
  nl: {
    subject: (app) => `Nieuw antwoord van ${app}`,
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    intro: (app, count) => (count === 1 ? `Je hebt een nieuw antwoord van ${app} in je chat:` : `Je hebt ${count} nieuwe antwoorden van ${app} in je chat:`),
    files: 'Bestanden:',
    outro: 'Ga terug naar de chat waarin je ons schreef om te antwoorden.',
  },
  tr: {
    subject: (app) => `${app} size yanıt verdi`,
    greeting: (name) => (name ? `Merhaba ${name},` : 'Merhaba,'),
    intro: (app, count) => (count === 1 ? `Sohbetinizde ${app} tarafından yeni bir yanıt var:` : `Sohbetinizde ${app} tarafından ${count} yeni yanıt var:`),
    files: 'Dosyalar:',
    outro: 'Yanıtlamak için bize yazdığınız sohbete geri dönün.',
  },
  it: {
    subject: (app) => `Nuova risposta da ${app}`,
    greeting: (name) => (name ? `Ciao ${name},` : 'Ciao,'),
    intro: (app, count) => (count === 1 ? `Hai una nuova risposta da ${app} nella tua chat:` : `Hai ${count} nuove risposte da ${app} nella tua chat:`),
    files: 'Allegati:',
    outro: 'Per rispondere, torna alla chat in cui ci hai scritto.',
  },
};

/** The visitor's language when the e-mail speaks it, else English. */
export function emailLocale(locale: string | null | undefined): VisitorLocale {
  return (VISITOR_LOCALES as readonly string[]).includes(locale ?? '') ? (locale as VisitorLocale) : 'en';
}

/** `2026-03-01 12:00 UTC`: the visitor's time zone is not known, so the time says which one it is in. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML that shows exactly that text: nothing an agent or a visitor typed becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A header value on one line: a name with a line break in it cannot add a header. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

/**
 * The e-mail that brings a visitor the replies they did not see in the chat (MISSION.md V10):
 * a subject naming the app, each reply with its agent's name and time, in order, as plain text
 * and as simple HTML with every piece of text escaped. It is written in the visitor's language
 * (`locale`, one the widget speaks), English when that is unknown; times stay in UTC.
 *
 * @example
 * renderReplyEmail({ appName: 'Acme', visitorName: null, replies: [{ authorName: 'Dana', body: 'It ships today.', files: [], at: new Date() }] }).subject;
 * // 'New reply from Acme'
 */
export function renderReplyEmail({
  appName,
  visitorName,
  locale: requested,
  replies,
}: {
  appName: string;
  visitorName: string | null;
  /** The visitor's language; English when it is null or not one the e-mail speaks. */
  locale?: string | null | undefined;
  replies: EmailedReply[];
}): ReplyEmailContent {
  const locale = emailLocale(requested);
  const words = STRINGS[locale];
  const app = oneLine(appName);
  const greeting = words.greeting(visitorName?.trim() ? oneLine(visitorName) : null);
  const intro = words.intro(app, replies.length);
  const outro = words.outro;
  const author = (reply: EmailedReply) => oneLine(reply.authorName?.trim() || app);
  const files = (reply: EmailedReply) => (reply.files.length ? `${words.files} ${reply.files.join(', ')}` : '');

  const text = [
    greeting,
    '',
    intro,
    '',
    ...replies.flatMap((reply) => [`${author(reply)}, ${formatTime(reply.at)}`, ...[reply.body, files(reply)].filter(Boolean), '']),
    outro,
    '',
  ].join('\n');

  const paragraph = (content: string, style = '') => `<p style="margin:0 0 12px;${style}">${content}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${locale}"><body style="font-family:sans-serif;font-size:15px;line-height:1.4;color:#222">`,
    paragraph(escapeHtml(greeting)),
    paragraph(escapeHtml(intro)),
    ...replies.map((reply) =>
      [
        '<div style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #ccc">',
        paragraph(`<strong>${escapeHtml(author(reply))}</strong> <span style="color:#666">${escapeHtml(formatTime(reply.at))}</span>`, 'margin-bottom:4px'),
        reply.body ? paragraph(escapeHtml(reply.body), 'white-space:pre-wrap') : '',
        reply.files.length ? paragraph(escapeHtml(files(reply)), 'color:#666') : '',
        '</div>',
      ].join(''),
    ),
    paragraph(escapeHtml(outro)),
    '</body></html>',
    '',
  ].join('\n');

  return { subject: words.subject(app), text, html, locale };
}
