/**
 * Finds and masks personal data in free text, for workspaces that mask it for agents
 * (`workspaces.mask_personal_data`). What is recognised:
 *
 * - **Payment card numbers**: 13–19 digits, optionally grouped with spaces or dashes, that pass
 *   the Luhn check. A number failing it is left as it is.
 * - **IBANs** (ISO 13616): a country of the IBAN registry, that country's exact length, compact
 *   or in groups of four, passing the mod-97 check. One failing it is left as it is.
 * - **National identity numbers**: the US Social Security number written `AAA-GG-SSSS` (dashes
 *   or spaces), outside the ranges the SSA never issues (area 000, 666, 900–999; group 00;
 *   serial 0000; the voided advertising numbers) — an invalid one is left as it is; and the
 *   Dutch citizen service number (BSN): nine digits (bare, or grouped with spaces or dots) that
 *   pass the 11-test. No other country's numbers are covered.
 * - **E-mail addresses**: the first character of the local part and the domain stay,
 *   `melissa@gmail.com` → `m******@gmail.com`.
 * - **Phone numbers** of 8–15 digits: international (`+…`, or `00…`), national with a trunk
 *   `0` (`06-12345678`, `(020) 7946 0958`, `07966 197542`), and North American
 *   (`(415) 555-0134`, `415-555-0134`, `1 415 555 0134`). Spaces, dashes, dots and one pair of
 *   parentheses may group the digits. A bare run of digits without `+` or `0` in front is not
 *   taken for a phone number; nor is a date such as `01-02-2024`.
 *
 * Numbers keep their last four digits and every other character becomes `*`
 * (`+447966197542` → `*********7542`). The scan is a single left-to-right pass per kind with
 * bounded look-around and no backtracking regular expressions, so its work grows linearly with
 * the text (`scanPersonalData` counts it).
 */
import { bsnValid, IBAN_LENGTHS, ibanValid, luhnValid, usSsnValid } from './checks.ts';

/** What a finding is: one of the kinds above, or `fragment` for what a preview's cut left of one. */
export type PersonalDataKind = 'card' | 'iban' | 'ssn' | 'bsn' | 'email' | 'phone' | 'fragment';

/** One piece of personal data in a text: `[start, end)`, of which `[maskStart, maskEnd)` becomes `*`. */
export interface Finding {
  kind: PersonalDataKind;
  start: number;
  end: number;
  maskStart: number;
  maskEnd: number;
}

/** What a scan found, in text order, and how many characters it looked at (at most a small multiple of the length). */
export interface Scan {
  findings: Finding[];
  steps: number;
}

/** How long previews are (the conversation and ticket repositories cut them at 140 characters). */
export const PREVIEW_CHARS = 140;

interface Span {
  start: number;
  end: number;
}

interface Meter {
  steps: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number) => isDigit(c) || isLetter(c);
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;

/** Whether the character at `i` belongs to a word (so a number or address cannot start or end beside it). */
function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return isAlnum(c) || c === 95;
  return NON_ASCII_WORD.test(text[i]!);
}

// Local part: the characters addresses use in practice (RFC 5322's atext minus the rare ones
// that would swallow punctuation around an address in running text).
const isLocalChar = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
const isDomainChar = (c: number) => isAlnum(c) || c === 46 || c === 45; // . -
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

function domainValid(domain: string): boolean {
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(labels[labels.length - 1]!);
}

/** E-mail addresses: from each `@`, at most 64 characters left and 253 right (RFC 5321 §4.5.3.1). */
function findEmails(text: string, meter: Meter): Finding[] {
  const found: Finding[] = [];
  let from = 0;
  let floor = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) return found;
    meter.steps++;
    from = at + 1;
    let start = at;
    while (start > floor && at - start < 64 && isLocalChar(text.charCodeAt(start - 1))) {
      start--;
      meter.steps++;
    }
    if (start > floor && isLocalChar(text.charCodeAt(start - 1))) continue; // a local part over 64 characters
    while (start < at && text.charCodeAt(start) === 46) start++;
    if (start === at) continue;
    let end = at + 1;
    while (end < text.length && end - at - 1 < 253 && isDomainChar(text.charCodeAt(end))) {
      end++;
      meter.steps++;
    }
    if (end < text.length && isDomainChar(text.charCodeAt(end))) continue; // a domain over 253 characters
    // A sentence's full stop or a dash after the address is not part of it.
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
    if (!domainValid(text.slice(at + 1, end)) || isWordAt(text, end) || text.charCodeAt(end) === 64) continue;
    found.push({ kind: 'email', start, end, maskStart: start + 1, maskEnd: at });
    floor = end;
    from = end;
  }
}

/** Index of the fourth-last digit (or letter, for an IBAN) in `[start, end)`: where the kept tail begins. */
function tailOf(text: string, start: number, end: number, counts: (c: number) => boolean = isDigit): number {
  let kept = 0;
  for (let i = end - 1; i >= start; i--) {
    if (counts(text.charCodeAt(i)) && ++kept === 4) return i;
  }
  return start;
}

/** Moves `t` past the spans that end before `i`; answers the span holding `i`, if any. */
function spanAt(spans: Span[], cursor: { t: number }, i: number): Span | undefined {
  while (cursor.t < spans.length && spans[cursor.t]!.end <= i) cursor.t++;
  const span = spans[cursor.t];
  return span && span.start <= i ? span : undefined;
}

/**
 * IBANs outside the e-mail addresses. A candidate of the right shape and length that fails the
 * checksum is returned in `kept`, so the number scan leaves it alone too.
 */
function findIbans(text: string, taken: Span[], meter: Meter): { found: Finding[]; kept: Span[] } {
  const found: Finding[] = [];
  const kept: Span[] = [];
  const cursor = { t: 0 };
  let i = 0;
  while (i + 4 <= text.length) {
    meter.steps++;
    const inside = spanAt(taken, cursor, i);
    if (inside) {
      i = inside.end;
      continue;
    }
    if (
      !isLetter(text.charCodeAt(i)) ||
      !isLetter(text.charCodeAt(i + 1)) ||
      !isDigit(text.charCodeAt(i + 2)) ||
      !isDigit(text.charCodeAt(i + 3)) ||
      isWordAt(text, i - 1)
    ) {
      i++;
      continue;
    }
    const length = IBAN_LENGTHS[text.slice(i, i + 2).toUpperCase()];
    if (!length) {
      i++;
      continue;
    }
    const limit = taken[cursor.t]?.start ?? text.length;
    let pos = i;
    let compact = '';
    while (compact.length < length && pos < limit) {
      meter.steps++;
      const c = text.charCodeAt(pos);
      if (isAlnum(c)) {
        compact += text[pos];
        pos++;
      } else if (c === 32 && compact.length % 4 === 0 && pos + 1 < limit && isAlnum(text.charCodeAt(pos + 1))) {
        pos++; // printed form: groups of four separated by one space
      } else {
        break;
      }
    }
    if (compact.length < length || isWordAt(text, pos)) {
      i++;
      continue;
    }
    if (ibanValid(compact.toUpperCase())) found.push({ kind: 'iban', start: i, end: pos, maskStart: i, maskEnd: tailOf(text, i, pos, isAlnum) });
    else kept.push({ start: i, end: pos });
    i = pos;
  }
  return { found, kept };
}

/** A run of digits, grouped by spaces, dashes, dots and at most one pair of parentheses, maybe after `+`. */
interface Run {
  end: number;
  plus: boolean;
  /** The first group is in parentheses: `(020) 7946 0958`. */
  leadingParen: boolean;
  parens: boolean;
  balanced: boolean;
  /** The whole run is in parentheses, `(0612345678)`: they are punctuation around the number, not part of it. */
  wrapped: boolean;
  /** Lengths of the first groups of digits (up to 8). */
  groups: number[];
  /** The separators between those groups, parentheses left out. */
  separators: string[];
  /** The digits, up to 40; `tooLong` when there were more. */
  digits: string;
  tooLong: boolean;
  /** Where every group of digits starts and ends: `[start0, end0, start1, end1, …]`. */
  bounds: number[];
}

const MAX_RUN_DIGITS = 40;

function readRun(text: string, start: number, limit: number, meter: Meter): Run {
  let pos = start;
  const plus = text.charCodeAt(pos) === 43;
  if (plus) pos++;
  let open = false;
  let parens = false;
  if (text.charCodeAt(pos) === 40) {
    open = parens = true;
    pos++;
  }
  const leadingParen = parens;
  const groups: number[] = [];
  const separators: string[] = [];
  let digits = '';
  let count = 0;
  let wrapped = false;
  const bounds: number[] = [];
  for (;;) {
    const groupStart = pos;
    while (pos < limit && isDigit(text.charCodeAt(pos))) {
      pos++;
      meter.steps++;
    }
    bounds.push(groupStart, pos);
    count += pos - groupStart;
    if (count <= MAX_RUN_DIGITS) digits += text.slice(groupStart, pos);
    if (groups.length < 8) groups.push(pos - groupStart);
    // A gap: a closing parenthesis, one separator, an opening parenthesis; each optional.
    let g = pos;
    let closes = false;
    let separator = '';
    let opens = false;
    if (open && text.charCodeAt(g) === 41) {
      closes = true;
      g++;
    }
    const s = text.charCodeAt(g);
    if (g < limit && (s === 32 || s === 45 || s === 46)) {
      separator = text[g]!;
      g++;
    }
    if (!parens && text.charCodeAt(g) === 40) {
      opens = true;
      g++;
    }
    meter.steps += g - pos;
    if (g === pos || g >= limit || !isDigit(text.charCodeAt(g))) {
      if (closes) {
        open = false;
        wrapped = leadingParen && !plus && groups.length === 1;
        pos++;
      }
      break;
    }
    if (closes) open = false;
    if (opens) open = parens = true;
    if (separators.length < 8) separators.push(separator);
    pos = g;
  }
  const tooLong = count > MAX_RUN_DIGITS;
  if (wrapped) return { end: pos, plus, leadingParen: false, parens: false, balanced: true, wrapped, groups, separators, digits, tooLong, bounds };
  return { end: pos, plus, leadingParen, parens, balanced: !open, wrapped, groups, separators, digits, tooLong, bounds };
}

const same = (list: string[], allowed: string[]) => list.every((s) => allowed.includes(s));

function looksLikeDate(run: Run): boolean {
  const [a, b, c] = run.groups;
  return run.groups.length === 3 && run.separators[0] === run.separators[1] && b === 2 && ((a === 2 && c === 4) || (a === 4 && c === 2));
}

function isPhone(run: Run): boolean {
  const { digits, groups } = run;
  const n = digits.length;
  if (n < 8) return false;
  if (run.plus) return n <= 15;
  if (digits.startsWith('00')) return n - 2 >= 8 && n - 2 <= 15;
  if (digits[0] === '0') return n <= 15 && (run.leadingParen || groups[0]! >= 2) && !looksLikeDate(run);
  // North American numbering plan: NXX NXX XXXX, the area code starting 2–9, perhaps after a 1.
  const local = groups.length === 3 && groups[0] === 3 && groups[1] === 3 && groups[2] === 4;
  const withOne = groups.length === 4 && groups[0] === 1 && digits[0] === '1' && groups[1] === 3 && groups[2] === 3 && groups[3] === 4;
  if (!local && !withOne) return false;
  const area = digits[withOne ? 1 : 0]!;
  return area >= '2' && area <= '9';
}

// How card numbers are printed: one block, fours (the last block shorter for 13 and 19 digits), or 4-6-5 and 4-6-4.
const CARD_LAYOUTS = new Set(['13', '14', '15', '16', '17', '18', '19', '4 4 4 1', '4 4 4 4', '4 4 4 4 3', '4 6 5', '4 6 4']);

/** What a run of digits is, `keep` for a number that has a known shape but fails its check, or undefined. */
function classify(run: Run): PersonalDataKind | 'keep' | undefined {
  if (!run.balanced || run.tooLong) return undefined;
  const { digits, groups, separators } = run;
  const n = digits.length;
  const plain = !run.plus && !run.parens;
  if (plain && n >= 13 && n <= 19 && same(separators, [' ', '-'])) {
    if (luhnValid(digits)) return 'card';
    // Printed like a card but failing Luhn: not a card, and no part of it is anything else. The
    // whole may still be a phone number: `00447966197542` is `+447966197542`.
    if (CARD_LAYOUTS.has(groups.join(' '))) return isPhone(run) ? 'phone' : 'keep';
  }
  const ssnShape = groups.length === 3 && groups[0] === 3 && groups[1] === 2 && groups[2] === 4;
  if (plain && ssnShape && separators[0] === separators[1] && (separators[0] === '-' || separators[0] === ' ')) {
    return usSsnValid(digits) ? 'ssn' : 'keep';
  }
  if (plain && n === 9 && same(separators, [' ', '.']) && bsnValid(digits)) return 'bsn';
  return isPhone(run) ? 'phone' : undefined;
}

/** Whether a number may start at `i`: a digit, or `+` or `(` before one, or `+(`. */
function startsNumber(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  return isDigit(c) || ((c === 43 || c === 40) && isDigit(next)) || (c === 43 && next === 40);
}

/** Numbers outside the spans already taken by addresses and IBANs. */
function findNumbers(text: string, taken: Span[], meter: Meter): Finding[] {
  const found: Finding[] = [];
  const cursor = { t: 0 };
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    const inside = spanAt(taken, cursor, i);
    if (inside) {
      i = inside.end;
      continue;
    }
    if (!startsNumber(text, i) || isWordAt(text, i - 1)) {
      i++;
      continue;
    }
    const limit = taken[cursor.t]?.start ?? text.length;
    const run = readRun(text, i, limit, meter);
    if (!isWordAt(text, run.end) && text.charCodeAt(run.end) !== 64) {
      meter.steps += run.digits.length;
      const kind = classify(run);
      if (kind === undefined && run.bounds.length > 2) splitRun(text, i, run, meter, found);
      else if (kind && kind !== 'keep') found.push(findingOf(text, kind, run.wrapped ? i + 1 : i, run.wrapped ? run.end - 1 : run.end));
    }
    i = Math.max(run.end, i + 1);
  }
  return found;
}

function findingOf(text: string, kind: PersonalDataKind, start: number, end: number): Finding {
  return { kind, start, end, maskStart: start, maskEnd: tailOf(text, start, end) };
}

/**
 * A run that is nothing as a whole may hold several numbers side by side: a card and its expiry
 * (`4111 1111 1111 1111 12`), a date and a phone number, a list of cards. It is cut where a
 * space separates groups; from each cut, the longest window of up to eight groups and 8–19
 * digits that is something is taken, and the search goes on after it.
 */
function splitRun(text: string, runStart: number, run: Run, meter: Meter, found: Finding[]): void {
  const { bounds } = run;
  const groups = bounds.length / 2;
  // Digits before each group, so a window's digit count costs nothing.
  const before = [0];
  for (let g = 0; g < groups; g++) before.push(before[g]! + bounds[2 * g + 1]! - bounds[2 * g]!);
  // A window starts at the run's start or after a gap with a space, and ends before one or at the run's end.
  const cut = (g: number) => {
    if (g === 0 || g === groups) return true;
    for (let i = bounds[2 * g - 1]!; i < bounds[2 * g]!; i++) if (text.charCodeAt(i) === 32) return true;
    return false;
  };
  let g = 0;
  while (g < groups) {
    let next = g + 1;
    while (next < groups && !cut(next)) next++;
    for (let h = Math.min(groups, g + 8); h > g; h--) {
      const digits = before[h]! - before[g]!;
      if (digits < 8) break;
      if (digits > 19 || !cut(h)) continue;
      let start = bounds[2 * g]!;
      if (g === 0) start = runStart;
      else if (text.charCodeAt(start - 1) === 40) start--;
      // Reading stops at the window's last digit, or just after it for a closing parenthesis.
      const window = readRun(text, start, bounds[2 * h - 1]!, meter);
      const { end } = window;
      meter.steps += window.digits.length;
      const kind = classify(window);
      if (kind && kind !== 'keep') {
        found.push(findingOf(text, kind, window.wrapped ? start + 1 : start, window.wrapped ? end - 1 : end));
        next = h;
        break;
      }
    }
    g = next;
  }
}

const byStart = (a: Span, b: Span) => a.start - b.start;

/** Finds the personal data in a text, in text order, with the work it took. */
export function scanPersonalData(text: string): Scan {
  const meter: Meter = { steps: 0 };
  // Nothing to find without a digit or an `@`: the common case costs one search.
  if (!/[0-9@]/.test(text)) return { findings: [], steps: text.length };
  const emails = findEmails(text, meter);
  const ibans = findIbans(text, emails, meter);
  const taken = [...emails, ...ibans.found, ...ibans.kept].sort(byStart);
  const numbers = findNumbers(text, taken, meter);
  return { findings: [...emails, ...ibans.found, ...numbers].sort(byStart), steps: meter.steps + text.length };
}

function apply(text: string, findings: Finding[]): string {
  if (!findings.length) return text;
  let out = '';
  let last = 0;
  for (const f of findings) {
    out += text.slice(last, f.maskStart) + '*'.repeat(f.maskEnd - f.maskStart);
    last = f.maskEnd;
  }
  return out + text.slice(last);
}

/**
 * Masks the personal data in a text. Stored text is never changed; this is for what an agent is sent.
 *
 * @example
 * maskPersonalData('call +447966197542 or mail melissa@gmail.com');
 * // 'call *********7542 or mail m******@gmail.com'
 */
export function maskPersonalData(text: string): string {
  return apply(text, scanPersonalData(text).findings);
}

/**
 * Masks a preview. A preview is cut at {@link PREVIEW_CHARS} characters, which may split a number
 * or an address so it no longer passes its check; so in a preview that long, a trailing run of
 * four or more digits, or an address cut short, is masked whole.
 */
export function maskPreview(text: string): string {
  const { findings } = scanPersonalData(text);
  if (text.length < PREVIEW_CHARS) return apply(text, findings);
  const floor = findings.length ? findings[findings.length - 1]!.end : 0;
  const tail = cutNumberAtEnd(text, floor) ?? cutAddressAtEnd(text, floor);
  return apply(text, tail ? [...findings, tail] : findings);
}

function cutNumberAtEnd(text: string, floor: number): Finding | undefined {
  const end = text.length;
  let start = end;
  while (start > floor && end - start < 48) {
    const c = text.charCodeAt(start - 1);
    if (!isDigit(c) && c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41 && c !== 43) break;
    start--;
  }
  // The fragment starts where the full scan would start reading a number: a `+` or `(` glued to
  // a word is passed over like the word, so `C++ 4111 1111 11` still has its number masked.
  while (start < end && (!startsNumber(text, start) || isWordAt(text, start - 1))) start++;
  let digits = 0;
  for (let i = start; i < end; i++) if (isDigit(text.charCodeAt(i))) digits++;
  if (digits < 4) return undefined;
  return { kind: 'fragment', start, end, maskStart: start, maskEnd: end };
}

function cutAddressAtEnd(text: string, floor: number): Finding | undefined {
  const at = text.lastIndexOf('@');
  if (at <= floor || text.length - at > 254) return undefined;
  for (let i = at + 1; i < text.length; i++) if (!isDomainChar(text.charCodeAt(i))) return undefined;
  let start = at;
  while (start > floor && at - start < 64 && isLocalChar(text.charCodeAt(start - 1))) start--;
  if (at - start < 2) return undefined;
  return { kind: 'fragment', start, end: text.length, maskStart: start + 1, maskEnd: at };
}

/** The part of an e-mail address before its `@` (empty without one). */
export function localPartOf(email: string): string {
  return email.slice(0, Math.max(0, email.lastIndexOf('@')));
}

/**
 * Masks each whole-word occurrence of an e-mail address's local part in a text, the way the
 * address itself is masked: its first character stays. For a name made from an address, which
 * would otherwise show agents the part of the address that masking hides.
 *
 * @example
 * maskLocalPart('Chat with visitor.two', 'visitor.two@example.com');
 * // 'Chat with v**********'
 */
export function maskLocalPart(text: string, email: string): string {
  const local = localPartOf(email);
  if (local.length < 2) return text;
  const masked = local[0] + '*'.repeat(local.length - 1);
  let out = '';
  let last = 0;
  let at = text.indexOf(local);
  while (at >= 0) {
    if (isWordAt(text, at - 1) || isWordAt(text, at + local.length)) {
      at = text.indexOf(local, at + 1);
      continue;
    }
    out += text.slice(last, at) + masked;
    last = at + local.length;
    at = text.indexOf(local, last);
  }
  return out + text.slice(last);
}

/** How an agent-bound serializer treats free text: masked for a workspace that masks personal data, or as stored. */
export interface Masker {
  /** Whether this masker changes anything. */
  readonly masks: boolean;
  /** Message bodies, names, subjects: any free text. */
  text(value: string): string;
  /** A preview cut at {@link PREVIEW_CHARS}: also masks what the cut left of a number or address. */
  preview(value: string): string;
}

/** Text as stored: workspaces that do not mask, and every visitor-bound payload. */
export const UNMASKED: Masker = { masks: false, text: (value) => value, preview: (value) => value };

/** Personal data masked. */
export const MASKED: Masker = { masks: true, text: maskPersonalData, preview: maskPreview };
