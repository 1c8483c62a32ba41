/** The longest file name kept, in characters (code points); longer names are cut before the extension. */
export const MAX_FILE_NAME_CHARS = 180;

// Control characters (C0, DEL, C1), and format characters that reorder or hide text: bidi
// overrides can make `invoice‮fdp.exe` read as `invoiceexe.pdf` (CVE-2009-3376 and kin).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/**
 * A file name made safe to store and show: without any folder part (`/` or `\`), control or
 * invisible formatting characters, surrounding spaces, or trailing dots; at most
 * MAX_FILE_NAME_CHARS characters, keeping the extension. Empty when nothing is left.
 * The result is still text to show as text, never as HTML.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // Normalized once the hidden characters are gone: one between a letter and its accent
  // (`e` U+200B U+0301) kept them apart, and a second cleaning would join them.
  let name = base.replace(HIDDEN, '').normalize('NFC').replace(/\s+/g, ' ').trim().replace(/[. ]+$/, '');
  if (/^\.*$/.test(name)) return '';
  const chars = [...name];
  if (chars.length > MAX_FILE_NAME_CHARS) {
    const ext = extensionOf(name);
    const tail = ext && ext.length <= 16 ? `.${ext}` : '';
    const cut = chars.slice(0, MAX_FILE_NAME_CHARS - [...tail].length).join('');
    // With no extension to follow, the cut may end on a dot, or leave nothing but dots.
    name = tail ? cut.trimEnd() + tail : cut.replace(/[. ]+$/, '');
  }
  return name;
}

/** The extension of a file name, lower case without the dot; empty when it has none (`README`, `.profile`). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  return name.slice(dot + 1).toLowerCase();
}

/**
 * The `Content-Disposition` value that makes a browser save the file under its name
 * (RFC 6266): a plain-ASCII `filename` for old clients, and the exact name as `filename*` in
 * UTF-8 (RFC 8187).
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
