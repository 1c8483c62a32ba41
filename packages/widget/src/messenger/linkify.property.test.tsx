import fc from 'fast-check';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.ts';
import { MessageText } from './MessageList.tsx';

// Message text from anyone, generated: addresses, markup, script, schemes that run code,
// punctuation around them. Nothing but http(s) addresses may become links, and what shows is
// exactly what was written.

/** Text that mixes web addresses, markup and plain words, the way messages do. */
const messageText = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.domain().map((d) => `www.${d}`),
      fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'data:text/html,<b>x</b>', '"', '<', '>', '&amp;', ' ', '\n', '.', ')', '(', ',', 'HTTPS://', 'http://', 'www.'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('linkify on generated text', () => {
  it('loses and adds nothing: the parts put together are the text', () => {
    fc.assert(
      fc.property(messageText, (text) => {
        expect(linkify(text).map((part) => (typeof part === 'string' ? part : part.text)).join('')).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('links only http and https addresses, with no space, quote or angle bracket in them', () => {
    fc.assert(
      fc.property(messageText, (text) => {
        for (const part of linkify(text)) {
          if (typeof part === 'string') continue;
          expect(new URL(part.href).protocol).toMatch(/^https?:$/);
          expect(part.text).not.toMatch(/[\s<>"]/);
          expect(part.href.toLowerCase().endsWith(part.text.toLowerCase())).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('finds every web address written between spaces', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.string().filter((s) => !/\S/.test(s) || !s.includes('http')), (url, around) => {
        // An address followed by punctuation keeps the punctuation as text; here it stands alone.
        const bare = url.replace(/[.,:;!?')\]]+$/, '');
        const links = linkify(`${around} ${bare} ${around}`).filter((part) => typeof part !== 'string');
        expect(links.map((link) => link.text)).toContain(bare);
      }),
      { numRuns: 500 },
    );
  });

  it('renders as the same text, with anchors only, each opening safely in a new tab', () => {
    const root = document.createElement('div');
    fc.assert(
      fc.property(messageText, (text) => {
        render(<MessageText text={text} />, root);
        expect(root.textContent).toBe(text);
        for (const element of root.querySelectorAll('*')) {
          expect(element.tagName).toBe('A');
          expect(element.getAttribute('rel')).toBe('noopener noreferrer');
          expect(element.getAttribute('target')).toBe('_blank');
          expect(element.getAttribute('href')).toMatch(/^https?:\/\//i);
        }
        render(null, root);
      }),
      { numRuns: 300 },
    );
  });
});
