import type { ConversationSummary } from '@parley/protocol';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The first six characters of an id, enough to tell visitors apart at a glance. */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 6);
}

/** How a conversation is named in the console: the visitor's name, or "Visitor" and a short id. */
export function conversationTitle(conversation: Pick<ConversationSummary, 'id' | 'visitor'>): string {
  const name = conversation.visitor?.name?.trim();
  return name || `Visitor ${shortId(conversation.visitor?.id ?? conversation.id)}`;
}

/** A compact age such as "now", "5 min", "3 h", "2 d", or a date for anything older than a week. */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const age = Math.max(0, now - at);
  if (age < MINUTE) return 'now';
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h`;
  if (age < 7 * DAY) return `${Math.floor(age / DAY)} d`;
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** The time of day of a timestamp, e.g. "14:05", for message meta lines. */
export function clockTime(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A full, readable timestamp for a `title` tooltip. */
export function fullTime(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleString();
}

/** A running time such as "0:07", "12:05" or "1:02:03", for time in a status and the offer timers. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The same running time in words for screen readers and tooltips, e.g. "1 hour 2 minutes 3 seconds". */
export function durationWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const said = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return said.length ? said.join(' ') : '0 seconds';
}
