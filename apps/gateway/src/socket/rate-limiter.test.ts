import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  it('allows a burst, then refuses, then refills with time', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    now = 500;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('keeps keys apart', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, now: () => 0 });
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('b')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('forgets keys whose bucket has refilled, so memory does not grow with every address', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, now: () => now });
    for (let i = 0; i < 5000; i++) limiter.take(`a${i}`);
    expect(limiter.size()).toBe(5000);
    now = 10_000;
    for (let i = 0; i < 5000; i++) limiter.take(`b${i}`);
    expect(limiter.size()).toBeLessThan(10_000);
    expect(limiter.take('b4999')).toBe(false);
  });
});
