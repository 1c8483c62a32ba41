/** A run of message text: plain text, or a web address to show as a link. */
export type TextPart = string | { href: string; text: string };

// http(s) addresses and bare www. ones; trailing punctuation stays text ("see https://x.nl.").
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+[^\s<>".,:;!?')\]]/gi;

/** Whether a browser can follow the address: `www.a.nl|x` matches the pattern but is no URL. */
function isUrl(href: string): boolean {
  try {
    return Boolean(new URL(href));
  } catch {
    return false;
  }
}

/**
 * Splits message text into plain runs and web addresses. Only `http:` and `https:` addresses
 * a browser can follow become links (a bare `www.` one gets `https://`); nothing else in a
 * message is interpreted, so HTML or a `javascript:` address stays text.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const found = match[0];
    const href = /^www\./i.test(found) ? `https://${found}` : found;
    if (!isUrl(href)) continue;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: found });
    last = start + found.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
