/** Exponential backoff settings; every field is optional. */
export interface BackoffOptions {
  /** Ceiling of the first delay, in ms (default 500). */
  initialMs?: number;
  /** Largest ceiling any delay may have, in ms (default 15000). */
  maxMs?: number;
  /** Growth of the ceiling per attempt (default 2). */
  factor?: number;
}

/** A sequence of reconnect delays. */
export interface Backoff {
  /** The next delay: uniform in [0, min(maxMs, initialMs·factor^attempt)) ("full jitter"). */
  next(): number;
  /** Starts over from the first attempt, e.g. after a successful hello. */
  reset(): void;
}

/** Creates exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function createBackoff(options: BackoffOptions = {}, random: () => number = Math.random): Backoff {
  const { initialMs = 500, maxMs = 15_000, factor = 2 } = options;
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(maxMs, initialMs * factor ** attempt);
      // Counted only while the ceiling grows: after a long outage factor ** attempt would reach
      // Infinity, and with initialMs 0 the delay would be 0 · Infinity, NaN.
      if (ceiling > 0 && ceiling < maxMs) attempt += 1;
      return Math.floor(random() * ceiling);
    },
    reset() {
      attempt = 0;
    },
  };
}
