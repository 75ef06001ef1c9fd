/**
 * Per-member sliding window over commands. Over the limit, the first refused command gets a polite notice and
 * the rest of the window is refused quietly, so the bot does not flood the chat itself while asking for calm.
 * Kept in memory: several processes each allow the limit, which is fine for a courtesy limit.
 */
export function createFloodGuard(limit: number, windowMs: number) {
  const seen = new Map<string, { times: number[]; warnedAt: number | null }>();
  return {
    /** `ok`, `warn` (first refusal in the window) or `quiet` (already told). */
    check(key: string, now: number): FloodState {
      const entry = seen.get(key) ?? { times: [], warnedAt: null };
      entry.times = entry.times.filter((time) => now - time < windowMs);
      if (entry.warnedAt !== null && now - entry.warnedAt >= windowMs) entry.warnedAt = null;
      seen.set(key, entry);
      if (entry.times.length < limit) {
        entry.times.push(now);
        return 'ok';
      }
      if (entry.warnedAt === null) {
        entry.warnedAt = now;
        return 'warn';
      }
      return 'quiet';
    },
    /** Whether `check` would answer `ok` now, without counting anything. */
    allows(key: string, now: number): boolean {
      return (seen.get(key)?.times ?? []).filter((time) => now - time < windowMs).length < limit;
    },
    /** Seconds until the member may send again. */
    retryAfterSeconds(key: string, now: number): number {
      const oldest = seen.get(key)?.times[0] ?? now;
      return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    },
  };
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
export type FloodState = 'ok' | 'warn' | 'quiet';
