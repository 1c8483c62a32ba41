import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createCursorTracker } from './cursors.ts';

const msg = (seq: number, conversationId = 'c1'): Message => ({
  id: `${conversationId}-m${seq}`,
  conversationId,
  seq,
  author: { kind: 'agent', id: 'a1' },
  body: `#${seq}`,
  createdAt: '2024-01-01T00:00:00Z',
});
const seqs = (messages: Message[]) => messages.map((m) => m.seq);

describe('createCursorTracker', () => {
  it('delivers and advances when the first message or the next seq arrives', () => {
    const t = createCursorTracker();
    expect(seqs(t.receive(msg(5)).deliver)).toEqual([5]);
    expect(seqs(t.receive(msg(6)).deliver)).toEqual([6]);
    expect(t.get('c1')).toBe(6);
    expect(t.list()).toEqual([{ conversationId: 'c1', seq: 6 }]);
  });

  it('delivers nothing when a message at or below the cursor arrives again', () => {
    const t = createCursorTracker();
    t.set('c1', 3);
    expect(t.receive(msg(3)).deliver).toEqual([]);
    expect(t.receive(msg(2)).deliver).toEqual([]);
    expect(t.get('c1')).toBe(3);
  });

  it('asks to resume once from the cursor and buffers when seqs skip ahead', () => {
    const t = createCursorTracker();
    t.set('c1', 3);
    expect(t.receive(msg(5))).toEqual({ deliver: [], resumeFrom: 3 });
    expect(t.receive(msg(6))).toEqual({ deliver: [] });
    expect(seqs(t.receive(msg(4)).deliver)).toEqual([4, 5, 6]);
    expect(t.get('c1')).toBe(6);
  });

  it('resets a conversation whose gap two resumes in a row did not narrow, never passing the missing message', () => {
    const t = createCursorTracker();
    t.set('c1', 3);
    t.set('c2', 1);
    expect(t.receive(msg(7)).resumeFrom).toBe(3);
    t.receive(msg(5));
    expect(t.receive(msg(3, 'c2')).resumeFrom).toBe(1);
    // The gateway answered resume.done with nothing for c1, and c2's seq 2 came. The server may
    // have read before seq 4 was stored: c1 asks once more.
    expect(seqs(t.receive(msg(2, 'c2')).deliver)).toEqual([2, 3]);
    expect(t.resumed(['c1', 'c2'])).toEqual({ deliver: [], resume: [{ conversationId: 'c1', seq: 3 }], reset: [] });
    // Nothing again: the server cannot serve the cursor.
    expect(t.resumed(['c1'])).toEqual({ deliver: [], resume: [], reset: ['c1'] });
    expect(t.get('c1')).toBeUndefined();
    expect(t.list()).toEqual([{ conversationId: 'c2', seq: 3 }]);
    // The app reads the history and sets the cursor; the conversation goes on from there.
    t.set('c1', 8);
    expect(seqs(t.receive(msg(9)).deliver)).toEqual([9]);
  });

  it('asks again when the answer moved the cursor but left a gap: newer messages overtook a lost one', () => {
    const t = createCursorTracker();
    t.set('c1', 3);
    expect(t.receive(msg(5)).resumeFrom).toBe(3);
    // Seq 6 was lost on the way and 7 came live while the resume was answered with what the server had then.
    t.receive(msg(7));
    expect(seqs(t.receive(msg(4)).deliver)).toEqual([4, 5]);
    expect(t.resumed(['c1'])).toEqual({ deliver: [], resume: [{ conversationId: 'c1', seq: 5 }], reset: [] });
    // Still in flight: another gap does not ask a second time.
    expect(t.receive(msg(9)).resumeFrom).toBeUndefined();
    expect(seqs(t.receive(msg(6)).deliver)).toEqual([6, 7]);
    expect(seqs(t.receive(msg(8)).deliver)).toEqual([8, 9]);
    expect(t.resumed(['c1'])).toEqual({ deliver: [], resume: [], reset: [] });
  });

  it('does not ask again while a resume sent after hello is in flight', () => {
    const t = createCursorTracker();
    t.set('c1', 1);
    t.resuming(['c1']);
    expect(t.receive(msg(3)).resumeFrom).toBeUndefined();
    t.disconnected();
    expect(t.receive(msg(3)).resumeFrom).toBe(1);
  });

  it('advances on an ack of the next seq and still delivers that message once when it is echoed', () => {
    const t = createCursorTracker();
    t.set('c1', 1);
    t.ack('c1', 3, 'x');
    expect(t.get('c1')).toBe(1);
    t.ack('c1', 2, 'c1-m2');
    expect(t.get('c1')).toBe(2);
    expect(seqs(t.receive(msg(2)).deliver)).toEqual([2]);
    expect(t.receive(msg(2)).deliver).toEqual([]);
  });

  it('resumes from before an echo the socket dropped: the echo comes once, what followed is not repeated', () => {
    const t = createCursorTracker();
    t.set('c1', 1);
    t.ack('c1', 2, 'c1-m2');
    // The socket drops after the ack, before the echo.
    t.disconnected();
    expect(t.list()).toEqual([{ conversationId: 'c1', seq: 1 }]);
    expect(seqs(t.receive(msg(2)).deliver)).toEqual([2]);
    expect(t.list()).toEqual([{ conversationId: 'c1', seq: 2 }]);
    expect(seqs(t.receive(msg(3)).deliver)).toEqual([3]);
    expect(t.receive(msg(2)).deliver).toEqual([]);
  });

  it('holds what follows an acked message until its echo, so delivery stays in seq order', () => {
    const t = createCursorTracker();
    t.set('c1', 1);
    t.resuming(['c1']);
    // After a reconnect: the other side's message comes live before the replay brings the echo.
    expect(t.receive(msg(3)).deliver).toEqual([]);
    t.ack('c1', 2, 'c1-m2');
    expect(t.receive(msg(4)).deliver).toEqual([]);
    expect(seqs(t.receive(msg(2)).deliver)).toEqual([2, 3, 4]);
    expect(t.resumed(['c1'])).toEqual({ deliver: [], resume: [], reset: [] });
    expect(t.get('c1')).toBe(4);
  });

  it('starts a cursor from an ack of seq 1 when the conversation is new', () => {
    const t = createCursorTracker();
    t.ack('new', 1, 'm');
    expect(t.get('new')).toBe(1);
    t.ack('other', 4, 'm4');
    expect(t.get('other')).toBeUndefined();
  });

  it('forgets cursor and buffer when dropped', () => {
    const t = createCursorTracker();
    t.set('c1', 1);
    t.receive(msg(3));
    t.drop('c1');
    expect(t.get('c1')).toBeUndefined();
    expect(t.resumed(['c1'])).toEqual({ deliver: [], resume: [], reset: [] });
    expect(seqs(t.receive(msg(8)).deliver)).toEqual([8]);
  });
});
