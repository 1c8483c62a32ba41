/**
 * A token bucket per key: `perSecond` tokens a second, up to `burst`. Keys are principals, so a
 * visitor with ten tabs gets one allowance, not ten.
 */
export function createRateLimiter({ perSecond, burst = perSecond * 2, now = () => performance.now() }: { perSecond: number; burst?: number; now?: () => number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one token; false when the key has none left. */
    take(key: string): boolean {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** Forgets a key whose last connection closed. */
    forget(key: string): void {
      buckets.delete(key);
    },
  };
}

/** The rate limiter's interface. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
