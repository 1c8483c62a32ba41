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

  describe('in the visitor\'s language', () => {
    const one = [{ authorName: 'Dana', body: 'Hi', files: ['a.pdf'], at }];
    const two = [...one, { authorName: 'Sam', body: 'Bye', files: [], at }];
    const cases = [
      { locale: 'en', subject: 'New reply from Acme', hello: 'Hello Ayşe,', plain: 'Hello,', intro1: 'You have a new reply from Acme in your chat:', intro2: 'You have 2 new replies from Acme in your chat:', files: 'Files: a.pdf', outro: 'To answer, go back to the chat where you wrote to us.' },
      { locale: 'nl', subject: 'Nieuw antwoord van Acme', hello: 'Hallo Ayşe,', plain: 'Hallo,', intro1: 'Je hebt een nieuw antwoord van Acme in je chat:', intro2: 'Je hebt 2 nieuwe antwoorden van Acme in je chat:', files: 'Bestanden: a.pdf', outro: 'Ga terug naar de chat waarin je ons schreef om te antwoorden.' },
      { locale: 'tr', subject: 'Acme size yanıt verdi', hello: 'Merhaba Ayşe,', plain: 'Merhaba,', intro1: 'Sohbetinizde Acme tarafından yeni bir yanıt var:', intro2: 'Sohbetinizde Acme tarafından 2 yeni yanıt var:', files: 'Dosyalar: a.pdf', outro: 'Yanıtlamak için bize yazdığınız sohbete geri dönün.' },
      { locale: 'it', subject: 'Nuova risposta da Acme', hello: 'Ciao Ayşe,', plain: 'Ciao,', intro1: 'Hai una nuova risposta da Acme nella tua chat:', intro2: 'Hai 2 nuove risposte da Acme nella tua chat:', files: 'Allegati: a.pdf', outro: 'Per rispondere, torna alla chat in cui ci hai scritto.' },
    ];
    for (const c of cases) {
      it(`writes subject, greeting, intro, files and closing line in ${c.locale} when the visitor reads ${c.locale}`, () => {
        const single = renderReplyEmail({ appName: 'Acme', visitorName: 'Ayşe', locale: c.locale, replies: one });
        expect(single.locale).toBe(c.locale);
        expect(single.subject).toBe(c.subject);
        expect(single.text).toBe(`${c.hello}\n\n${c.intro1}\n\nDana, 2026-03-01 12:05 UTC\nHi\n${c.files}\n\n${c.outro}\n`);
        expect(single.html).toContain(`<html lang="${c.locale}">`);
        expect(single.html).toContain(escapeHtml(c.outro));
        const several = renderReplyEmail({ appName: 'Acme', visitorName: null, locale: c.locale, replies: two });
        expect(several.text).toMatch(new RegExp(`^${c.plain}\n\n${c.intro2.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
        expect(several.html).toContain(escapeHtml(c.intro2));
      });
    }

    it('writes English when the language is not known or not one the widget speaks', () => {
      for (const locale of [null, undefined, 'de', 'constructor', 'EN']) {
        const mail = renderReplyEmail({ appName: 'Acme', visitorName: null, locale, replies: one });
        expect(mail.locale).toBe('en');
        expect(mail.subject).toBe('New reply from Acme');
      }
    });
  });
});
