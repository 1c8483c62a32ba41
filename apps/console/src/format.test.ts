import { describe, expect, it } from 'vitest';
import { conversationTitle, duration, durationWords, relativeTime, shortId } from './format.ts';

const NOW = Date.parse('2024-05-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('format', () => {
  it('names a conversation by the visitor, or "Visitor" and a short id', () => {
    expect(conversationTitle({ id: 'c', visitor: { id: 'v', name: '  Vera ' } })).toBe('Vera');
    expect(conversationTitle({ id: 'c', visitor: { id: '3f9a2c7e-1111-2222', name: null } })).toBe('Visitor 3f9a2c');
    expect(conversationTitle({ id: 'ab-cd-ef-gh' })).toBe('Visitor abcdef');
    expect(shortId('12-34-56-78')).toBe('123456');
  });

  it('says how long ago in compact units', () => {
    expect(relativeTime(ago(10_000), NOW)).toBe('now');
    expect(relativeTime(ago(5 * 60_000), NOW)).toBe('5 min');
    expect(relativeTime(ago(3 * 3_600_000), NOW)).toBe('3 h');
    expect(relativeTime(ago(2 * 86_400_000), NOW)).toBe('2 d');
    expect(relativeTime(ago(30 * 86_400_000), NOW)).not.toMatch(/d$/);
    expect(relativeTime(null, NOW)).toBe('');
    expect(relativeTime(new Date(NOW + 5000).toISOString(), NOW)).toBe('now');
  });

  it('shows a running time as m:ss, or h:mm:ss past an hour, and in words', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(7_999)).toBe('0:07');
    expect(duration(12 * 60_000 + 5_000)).toBe('12:05');
    expect(duration(3_723_000)).toBe('1:02:03');
    expect(duration(-5_000)).toBe('0:00');
    expect(durationWords(3_723_000)).toBe('1 hour 2 minutes 3 seconds');
    expect(durationWords(60_000)).toBe('1 minute');
    expect(durationWords(400)).toBe('0 seconds');
  });
});
