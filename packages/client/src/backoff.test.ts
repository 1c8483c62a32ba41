import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.ts';

const delays = (n: number, backoff: { next(): number }) => Array.from({ length: n }, () => backoff.next());

describe('createBackoff', () => {
  it('doubles the ceiling and caps it at maxMs when attempts keep failing', () => {
    const backoff = createBackoff({ initialMs: 100, maxMs: 1000 }, () => 0.5);
    expect(delays(6, backoff)).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('uses 500ms, 15s and factor 2 when no options are given', () => {
    const backoff = createBackoff({}, () => 0.999999);
    expect(delays(7, backoff)).toEqual([499, 999, 1999, 3999, 7999, 14999, 14999]);
  });

  it('scales the whole ceiling by the random draw when jittering', () => {
    expect(createBackoff({ initialMs: 1000 }, () => 0).next()).toBe(0);
    expect(createBackoff({ initialMs: 1000 }, () => 0.25).next()).toBe(250);
  });

  it('starts over from the first delay when reset', () => {
    const backoff = createBackoff({ initialMs: 100, factor: 3 }, () => 0.5);
    expect(delays(3, backoff)).toEqual([50, 150, 450]);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});
