import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReplyEmail } from './reply-email-content.ts';

const at = new Date('2026-03-01T12:05:30Z');

describe('renderReplyEmail', () => {
  it('names the app in the subject and gives each reply with its agent and time, in order', () => {
    const mail = renderReplyEmail({
      appName: 'Acme',
      visitorName: 'Ayşe',
      replies: [
        { authorName: 'Dana', body: 'It ships today.', files: [], at },
        { authorName: 'Sam', body: 'Tracking follows.', files: ['label.pdf'], at: new Date('2026-03-01T12:06:00Z') },
      ],
    });
    expect(mail.subject).toBe('New reply from Acme');
    expect(mail.text).toContain('Hello Ayşe,');
    expect(mail.text).toContain('You have 2 new replies from Acme');
    expect(mail.text.indexOf('Dana, 2026-03-01 12:05 UTC\nIt ships today.')).toBeLessThan(mail.text.indexOf('Sam, 2026-03-01 12:06 UTC\nTracking follows.\nFiles: label.pdf'));
    expect(mail.html).toContain('<strong>Dana</strong>');
    expect(mail.html.indexOf('It ships today.')).toBeLessThan(mail.html.indexOf('Tracking follows.'));
  });

  it('escapes everything typed in the HTML part, so a reply can never become markup', () => {
    const mail = renderReplyEmail({
      appName: 'A & B <shop>',
      visitorName: '<b>Eve</b>',
      replies: [{ authorName: '"Dana"', body: '<script>alert(1)</script> & <img src=x onerror=1>', files: ['<x>.pdf'], at }],
    });
    expect(mail.html).not.toMatch(/<script|<img|<b>|<x>/);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=1&gt;');
    expect(mail.html).toContain('A &amp; B &lt;shop&gt;');
    // The text part is plain text: it keeps the characters as typed.
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('keeps the subject on one line, and names the app when the agent has no name', () => {
    const mail = renderReplyEmail({ appName: 'Acme\r\nBcc: someone@example.com', visitorName: null, replies: [{ authorName: null, body: 'Hi', files: [], at }] });
    expect(mail.subject).toBe('New reply from Acme Bcc: someone@example.com');
    expect(mail.text).toMatch(/^Hello,\n/);
    expect(mail.text).toContain('You have a new reply from');
    expect(mail.text).toContain('Acme Bcc: someone@example.com, 2026-03-01 12:05 UTC\nHi');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
