import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBackoff, type BackoffOptions } from './backoff.ts';

// Generated settings and random draws, many runs: every delay stays within its ceiling and
// within maxMs, however long the connection keeps failing. The example tests beside this one
// name the specific cases.

/** The largest number `Math.random()` can return. */
const TOP = 1 - 2 ** -53;

const options: fc.Arbitrary<Required<BackoffOptions>> = fc.record({
  // 0 as often as the rest: no wait at all is a setting of its own.
  initialMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 })),
  maxMs: fc.integer({ min: 0, max: 600_000 }),
  factor: fc.double({ min: 1, max: 10, noNaN: true }),
});
const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const draws = fc.array(draw, { minLength: 1, maxLength: 60 });

/** A backoff whose random() returns `values` in turn. */
function backoffWith(settings: BackoffOptions, values: number[]) {
  let i = 0;
  return createBackoff(settings, () => values[i++ % values.length]!);
}

describe('createBackoff on generated settings', () => {
  it('keeps every delay a whole number of ms in [0, ceiling), the ceiling being min(maxMs, initialMs·factor^attempt)', () => {
    fc.assert(
      fc.property(options, draws, (settings, values) => {
        const backoff = backoffWith(settings, values);
        values.forEach((_, attempt) => {
          const ceiling = Math.min(settings.maxMs, settings.initialMs * settings.factor ** attempt);
          const delay = backoff.next();
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(settings.maxMs);
          if (ceiling > 0) expect(delay).toBeLessThan(ceiling);
          else expect(delay).toBe(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('grows its ceilings up to maxMs and holds them there: the largest draw never gives a shorter delay, nor one past maxMs', () => {
    fc.assert(
      fc.property(options, draws, (settings, values) => {
        const top = backoffWith(settings, [TOP]);
        const any = backoffWith(settings, values);
        let previous = 0;
        for (const _ of values) {
          const largest = top.next();
          expect(largest).toBeGreaterThanOrEqual(previous);
          expect(largest).toBeLessThanOrEqual(settings.maxMs);
          // A smaller draw never gives a longer delay at the same attempt.
          expect(any.next()).toBeLessThanOrEqual(largest);
          previous = largest;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('starts over from the first ceiling when reset, after any number of attempts', () => {
    fc.assert(
      fc.property(options, fc.nat({ max: 60 }), draw, (settings, attempts, value) => {
        const backoff = backoffWith(settings, [value]);
        for (let i = 0; i < attempts; i++) backoff.next();
        backoff.reset();
        expect(backoff.next()).toBe(backoffWith(settings, [value]).next());
      }),
      { numRuns: 300 },
    );
  });

  it('keeps delays within [0, maxMs] after a long outage of thousands of attempts', () => {
    fc.assert(
      fc.property(options, draw, (settings, value) => {
        const backoff = backoffWith(settings, [value]);
        for (let i = 0; i < 2000; i++) backoff.next();
        const delay = backoff.next();
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(settings.maxMs);
      }),
      { numRuns: 200 },
    );
  });
});
