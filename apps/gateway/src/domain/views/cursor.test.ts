import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

const position = { view: 'archive:abc', sort: '2026-03-01T10:00:00.123456', id: '0b6c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a7b' };

describe('view cursors', () => {
  it('read back what they were made from', () => {
    expect(decodeCursor(encodeCursor(position), 'archive:abc')).toEqual(position);
    const grouped = { ...position, group: 'demo' };
    expect(decodeCursor(encodeCursor(grouped), 'archive:abc')).toEqual(grouped);
  });

  it('refuse a cursor of another view or filter with INVALID_REQUEST', () => {
    expect(() => decodeCursor(encodeCursor(position), 'open:abc')).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST', status: 400 }));
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['JSON of the wrong shape', Buffer.from('{"v":"archive:abc"}').toString('base64url')],
    ['a sort value that is not a timestamp', Buffer.from(JSON.stringify({ v: 'archive:abc', s: "1' or 1=1", i: position.id })).toString('base64url')],
    ['an id that is not a uuid', Buffer.from(JSON.stringify({ v: 'archive:abc', s: position.sort, i: 'x' })).toString('base64url')],
    ['extra keys', Buffer.from(JSON.stringify({ v: 'archive:abc', s: position.sort, i: position.id, x: 1 })).toString('base64url')],
  ])('refuse %s with INVALID_REQUEST', (_what, cursor) => {
    expect(() => decodeCursor(cursor, 'archive:abc')).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});
