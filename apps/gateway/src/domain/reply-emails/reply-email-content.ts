/** One agent's reply as the e-mail shows it. */
export interface EmailedReply {
  /** The agent's name when they wrote it; the app's name stands in when there is none. */
  authorName: string | null;
  body: string;
  /** Names of the files sent with it (the files themselves stay in the chat). */
  files: string[];
  at: Date;
}

/** An e-mail's subject and its two bodies. */
export interface ReplyEmailContent {
  subject: string;
  text: string;
  html: string;
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
 * and as simple HTML with every piece of text escaped.
 *
 * @example
 * renderReplyEmail({ appName: 'Acme', visitorName: null, replies: [{ authorName: 'Dana', body: 'It ships today.', files: [], at: new Date() }] }).subject;
 * // 'New reply from Acme'
 */
export function renderReplyEmail({ appName, visitorName, replies }: { appName: string; visitorName: string | null; replies: EmailedReply[] }): ReplyEmailContent {
  const app = oneLine(appName);
  const greeting = visitorName?.trim() ? `Hello ${oneLine(visitorName)},` : 'Hello,';
  const intro = replies.length === 1 ? `You have a new reply from ${app} in your chat:` : `You have ${replies.length} new replies from ${app} in your chat:`;
  const outro = 'To answer, go back to the chat where you wrote to us.';
  const author = (reply: EmailedReply) => oneLine(reply.authorName?.trim() || app);
  const files = (reply: EmailedReply) => (reply.files.length ? `Files: ${reply.files.join(', ')}` : '');

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
    '<html><body style="font-family:sans-serif;font-size:15px;line-height:1.4;color:#222">',
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

  return { subject: `New reply from ${app}`, text, html };
}
