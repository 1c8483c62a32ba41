/**
 * A token bucket per key: `perSecond` tokens a second, up to `burst`. Keys are principals, so a
 * visitor with ten tabs gets one allowance, not ten.
 */
export function createRateLimiter({ perSecond, burst = perSecond * 2, now = () => performance.now() }: { perSecond: number; burst?: number; now?: () => number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, t: number) =>
    Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
  let sinceSweep = 0;
  return {
    /** Takes one token; false when the key has none left. */
    take(key: string): boolean {
      const t = now();
      // Now and then forget the keys whose bucket has refilled: they are as good as new.
      if (++sinceSweep >= 10_000) {
        sinceSweep = 0;
        for (const [k, b] of buckets) if (refill(b, t) >= burst) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = refill(bucket, t);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** How many keys are remembered. */
    size: () => buckets.size,
  };
}

/** The rate limiter's interface. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
