import type { Message } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorTracker } from './cursors.ts';

// Generated schedules, many runs: one conversation whose frames are lost, repeated and overtake
// each other on the way, against a simulated server that answers resumes from the messages it
// has stored. The example tests beside this one name the specific cases.

const ID = 'c1';

const message = (seq: number): Message => ({
  id: `m${seq}`,
  conversationId: ID,
  seq,
  author: { kind: 'agent', id: 'a1' },
  body: `#${seq}`,
  createdAt: '2024-01-01T00:00:00Z',
});

/** One thing that happens between the server and the client. */
type Step =
  /** The server stores its next message and sends its `message.created`; the visitor's own is acked too. */
  | { kind: 'create'; own: boolean }
  /** One frame on its way arrives; any of them, so frames overtake each other. */
  | { kind: 'arrive'; pick: number }
  /** One frame on its way is lost. */
  | { kind: 'lose'; pick: number }
  /** A stored message's `message.created` arrives again. */
  | { kind: 'repeat'; seq: number }
  /**
   * The server answers the resume in flight, if there is one: every message after the resume's
   * seq, then resume.done. When `stale`, only the messages it had when the resume arrived: the
   * frames of newer ones may have reached the client first.
   */
  | { kind: 'answer'; stale?: true }
  /** The server answers the resume in flight, if there is one, with resume.done alone: it could not serve the cursor. */
  | { kind: 'fail' }
  /** The socket closes, losing the frames on their way; the client reconnects and resumes from its cursor. */
  | { kind: 'disconnect' };

/**
 * A conversation of 1–30 messages and up to 100 steps; acks, stale answers and failed ones only when asked for.
 * Messages are created as often as frames arrive, so several are on their way at once and overtake
 * each other; answers are rarer, so more arrives while a resume is in flight.
 */
const schedule = ({ acks = false, staleAnswers = false, failures = false } = {}) =>
  fc.noBias(fc.integer({ min: 1, max: 30 })).chain((n) => {
    const pick = fc.noBias(fc.nat()); // Uniform, so any frame on its way may overtake the others.
    const steps: fc.WeightedArbitrary<Step>[] = [
      { weight: 6, arbitrary: (acks ? fc.boolean() : fc.constant(false)).map((own) => ({ kind: 'create', own }) as const) },
      { weight: 6, arbitrary: pick.map((p) => ({ kind: 'arrive', pick: p }) as const) },
      { weight: 1, arbitrary: pick.map((p) => ({ kind: 'lose', pick: p }) as const) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: n }).map((seq) => ({ kind: 'repeat', seq }) as const) },
      { weight: 1, arbitrary: fc.constant({ kind: 'answer' } as const) },
      { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' } as const) },
    ];
    if (staleAnswers) steps.push({ weight: 1, arbitrary: fc.constant({ kind: 'answer', stale: true } as const) });
    if (failures) steps.push({ weight: 1, arbitrary: fc.constant({ kind: 'fail' } as const) });
    return fc.record({ n: fc.constant(n), steps: fc.array(fc.oneof(...steps), { maxLength: 100, size: 'max' }) });
  });

interface Played {
  /** Seqs delivered, in order. */
  delivered: number[];
  /** The visitor's own messages whose ack moved the cursor past them and whose echo never arrived after it. */
  echoMissing: number[];
  /** Seqs the app read from the history after a reset (the tracker's `reset`), in order. */
  fromHistory: number[];
}

/**
 * Plays `steps`, then one last reconnect whose resume the server answers with all `n` messages,
 * and checks at every moment:
 * - no message is delivered twice;
 * - deliveries only go up; each is the seq after the last one the cursor passed, or the echo of
 *   a message whose ack moved the cursor past it (the tracker's promise: that echo is still
 *   delivered, once, before anything after it); after a reset the app reads the rest from the history;
 * - the cursor is the last seq delivered or acked, and the resume a gap asks for starts there;
 * - one resume at a time; a message held behind a gap always has a resume on its way, and the
 *   next message is never held, unless an echo still owed comes first;
 * - a reset only after an answer that moved nothing (the server could not serve the cursor).
 */
function play(n: number, steps: Step[]): Played {
  const tracker = createCursorTracker();
  tracker.set(ID, 0);
  const delivered: number[] = [];
  const fromHistory: number[] = [];
  let last = 0; // The last seq the cursor passed, by a delivery or an ack.
  let head = 0; // The server's newest message.
  let onTheWay: { kind: 'message' | 'ack'; seq: number }[] = [];
  let received = new Set<number>(); // Seqs received since the socket opened: the tracker may hold them.
  let pending: { from: number; head: number } | undefined; // The resume in flight, and the server's newest message when it was asked.
  const ackMoved = new Set<number>(); // Acks that moved the cursor: their echo is still to be delivered.
  const echoed = new Set<number>(); // Of those, the ones whose message.created arrived after the ack.

  const deliver = (messages: Message[]) => {
    for (const { seq } of messages) {
      check(!delivered.includes(seq), `seq ${seq} delivered twice`);
      check(seq > (delivered.at(-1) ?? 0), `seq ${seq} delivered after ${delivered.at(-1)}`);
      if (ackMoved.has(seq)) {
        check(echoed.has(seq), `seq ${seq} delivered before its echo arrived`);
      } else {
        check(seq === last + 1, `seq ${seq} delivered after ${last}`);
      }
      last = Math.max(last, seq);
      delivered.push(seq);
    }
  };
  const receive = (seq: number) => {
    if (ackMoved.has(seq)) echoed.add(seq);
    received.add(seq);
    const { deliver: ready, resumeFrom } = tracker.receive(message(seq));
    deliver(ready);
    if (resumeFrom === undefined) return;
    check(pending === undefined, 'asked to resume while a resume was in flight');
    // From the cursor, or from before the oldest echo still owed: the replay must bring it.
    const owed = [...ackMoved].filter((s) => !delivered.includes(s));
    const from = owed.length ? Math.min(last, Math.min(...owed) - 1) : last;
    check(resumeFrom === from, `asked to resume from ${resumeFrom}, not from ${from}`);
    pending = { from: resumeFrom, head };
  };
  const ack = (seq: number) => {
    const before = tracker.get(ID)!;
    tracker.ack(ID, seq, message(seq).id);
    if (tracker.get(ID) !== before) {
      check(seq === before + 1, `the ack of seq ${seq} moved the cursor from ${before}`);
      ackMoved.add(seq);
      last = seq;
    }
  };
  const answer = (stale = false, failed = false) => {
    if (!pending) return;
    const newest = failed ? pending.from : stale ? pending.head : head;
    for (let seq = pending.from + 1; seq <= newest; seq++) receive(seq);
    pending = undefined;
    const resumed = tracker.resumed([ID]);
    deliver(resumed.deliver);
    if (resumed.resume.length) {
      // A gap is left (newer messages overtook one on its way, or came after the server read): ask again from the cursor.
      check(resumed.resume.length === 1 && resumed.resume[0]!.seq === last, `resumed again from ${JSON.stringify(resumed.resume)}, not from ${last}`);
      pending = { from: last, head };
    }
    if (resumed.reset.length) {
      // Only a server that could not serve the cursor leaves it where it was twice in a row.
      check(failed, 'reset after an answer the server could serve');
      check(tracker.get(ID) === undefined, 'the cursor outlived its reset');
      // The app reads the latest page of the history and sets the cursor to its end.
      for (let seq = last + 1; seq <= head; seq++) {
        check(!delivered.includes(seq), `seq ${seq} read from the history after it was delivered`);
        fromHistory.push(seq);
        delivered.push(seq);
      }
      last = head;
      tracker.set(ID, head);
    }
  };
  // What the client does on close and on the next hello: resume from what `list()` gives.
  const reconnect = () => {
    tracker.disconnected();
    onTheWay = [];
    received = new Set();
    tracker.resuming([ID]);
    pending = { from: tracker.list().find((c) => c.conversationId === ID)!.seq, head };
  };
  const invariants = () => {
    check(tracker.get(ID) === last, `the cursor is ${tracker.get(ID)}, not ${last}`);
    const held = Math.max(0, ...received);
    // An echo still owed holds what follows it: it comes live after its ack, or in the replay of
    // the resume after a drop (a frame lost here stands for one lost with its socket).
    const owed = [...ackMoved].some((s) => !delivered.includes(s));
    check(held <= last || pending !== undefined || owed, `seq ${held} held behind a gap with no resume on its way`);
    check(!received.has(last + 1) || owed, `seq ${last + 1} held though it is the next one`);
  };

  for (const step of steps) {
    if (step.kind === 'create') {
      if (head === n) continue;
      head += 1;
      onTheWay.push({ kind: 'message', seq: head });
      // The client passes only a message's first ack to the tracker, so one ack stands for all.
      if (step.own) onTheWay.push({ kind: 'ack', seq: head });
    } else if (step.kind === 'arrive' || step.kind === 'lose') {
      if (onTheWay.length === 0) continue;
      const [frame] = onTheWay.splice(step.pick % onTheWay.length, 1);
      if (step.kind === 'lose') continue;
      if (frame!.kind === 'ack') ack(frame!.seq);
      else receive(frame!.seq);
    } else if (step.kind === 'repeat') {
      if (step.seq <= head) receive(step.seq);
    } else if (step.kind === 'answer') {
      answer(step.stale);
    } else if (step.kind === 'fail') {
      answer(false, true);
    } else {
      reconnect();
    }
    invariants();
  }
  reconnect();
  head = n;
  answer();
  invariants();
  return { delivered, echoMissing: [...ackMoved].filter((seq) => !echoed.has(seq)), fromHistory };
}

/** Throws `why` unless `ok`: lighter than `expect` for checks made after every frame. */
function check(ok: boolean, why: string): void {
  if (!ok) throw new Error(why);
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const ascending = (seqs: number[]) => [...seqs].sort((a, b) => a - b);

describe('createCursorTracker on generated schedules', () => {
  it('delivers exactly 1..N in order, each once, when frames are lost, repeated and reordered', () => {
    fc.assert(
      fc.property(schedule(), ({ n, steps }) => {
        expect(play(n, steps).delivered).toEqual(oneTo(n));
      }),
      { numRuns: 300 },
    );
  });

  it('delivers every message once when acks arrive too, an acked one\'s echo included even when a drop lost it', () => {
    fc.assert(
      fc.property(schedule({ acks: true }), ({ n, steps }) => {
        const { delivered, echoMissing } = play(n, steps);
        // The ack moved the cursor past the sender's own message; the resume after a drop starts
        // before an echo still owed, so the last reconnect delivers every echo that never came.
        expect(echoMissing).toEqual([]);
        expect(ascending(delivered)).toEqual(oneTo(n));
      }),
      { numRuns: 300 },
    );
  });

  it('delivers exactly 1..N in order, each once, when answers are stale: a gap they leave is asked for again', () => {
    fc.assert(
      fc.property(schedule({ staleAnswers: true }), ({ n, steps }) => {
        const { delivered, fromHistory } = play(n, steps);
        expect(fromHistory).toEqual([]);
        expect(delivered).toEqual(oneTo(n));
      }),
      { numRuns: 300 },
    );
  });

  it('never skips a message when the server cannot serve a resume: the gap is a reset, and the history fills it', () => {
    let resets = 0;
    fc.assert(
      fc.property(schedule({ staleAnswers: true, failures: true }), ({ n, steps }) => {
        const { delivered, fromHistory } = play(n, steps);
        if (fromHistory.length) resets++;
        expect(delivered).toEqual(oneTo(n));
      }),
      { numRuns: 300 },
    );
    // The schedules reach the reset, not only the other paths.
    expect(resets).toBeGreaterThan(0);
  });

  it('delivers none of what it holds past a gap no answer fills: it asks once more, then resets', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100 }), fc.array(fc.integer({ min: 2, max: 40 }), { minLength: 1, maxLength: 30 }), (cursor, ahead) => {
        const tracker = createCursorTracker();
        tracker.set(ID, cursor);
        // Every one of them is past a gap (cursor + 1 never arrives), in any order, some repeated.
        const held = ahead.map((d) => cursor + d);
        const answers = held.map((seq) => tracker.receive(message(seq)));
        // Nothing is delivered yet, and only the first asks to resume.
        expect(answers).toEqual(held.map((_, i) => (i === 0 ? { deliver: [], resumeFrom: cursor } : { deliver: [] })));
        expect(tracker.resumed([ID])).toEqual({ deliver: [], resume: [{ conversationId: ID, seq: cursor }], reset: [] });
        expect(tracker.resumed([ID])).toEqual({ deliver: [], resume: [], reset: [ID] });
        expect(tracker.get(ID)).toBeUndefined();
        expect(tracker.list()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
