import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { telegramLimits } from '../../src/adapters/telegram/bot.js';
import { type RateLimit, RateWindow } from '../../src/delivery/rate-window.js';

// The windows on a virtual clock: calls are made as soon as the windows allow, take a random time, and reach the
// platform at a random moment while they are in flight. Counted by those arrival times, as the platform counts, no
// window of any alignment may hold more calls than the published limit.

type Shape = { requests: number[]; durations: number[]; arrivals: number[] };

/** One chat's calls, one at a time, each requested at `requests[i]` (ms from the start) or when the previous ends. */
function simulate(limits: RateLimit[], shape: Shape): number[] {
  let now = 0;
  const window = new RateWindow(limits, () => now);
  const arrivedAt: number[] = [];
  shape.requests.forEach((requestedAt, i) => {
    now = Math.max(now, requestedAt);
    for (let wait = window.waitMs(); wait > 0; wait = window.waitMs()) now += wait;
    window.begin();
    const duration = shape.durations[i % shape.durations.length]!;
    arrivedAt.push(now + duration * shape.arrivals[i % shape.arrivals.length]!);
    now += duration;
    window.end();
  });
  return arrivedAt;
}

/** The most calls that arrived within any `perMs` window (closed at both ends, the strictest reading). */
function busiestWindow(arrivals: number[], perMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! > perMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const published = {
  privateChat: { max: 1, perMs: 1_000 },
  groupChatSecond: { max: 1, perMs: 1_000 },
  groupChatMinute: { max: 20, perMs: 60_000 },
};

const burst = (count: number, everyMs: number) => Array.from({ length: count }, (_, i) => i * everyMs);
const instant = { durations: [0], arrivals: [0] };

describe('RateWindow', () => {
  describe('when thirty /issue replies go to one group at once', () => {
    it('sends at most 20 within any minute, and one a second, with margin', () => {
      const arrivals = simulate(telegramLimits.groupChat, { requests: burst(30, 0), ...instant });
      expect(busiestWindow(arrivals, published.groupChatMinute.perMs)).toBe(20);
      expect(busiestWindow(arrivals, 63_000)).toBeLessThanOrEqual(20);
      expect(busiestWindow(arrivals, published.groupChatSecond.perMs)).toBe(1);
      const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_100);
    });
  });

  describe('when a private chat gets two replies in one second', () => {
    it('spaces them more than a second apart', () => {
      const arrivals = simulate(telegramLimits.privateChat, { requests: [0, 10], ...instant });
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1_100);
    });
  });

  describe('when calls are still in flight', () => {
    it('counts them, so concurrent callers of a shared window never overshoot it', () => {
      let now = 0;
      const window = new RateWindow([{ max: 3, perMs: 1_000 }], () => now);
      for (let i = 0; i < 3; i++) {
        expect(window.waitMs()).toBe(0);
        window.begin();
      }
      expect(window.waitMs()).toBeGreaterThan(0);
      now = 5_000;
      expect(window.waitMs()).toBeGreaterThan(0);
      window.end();
      expect(window.waitMs()).toBeGreaterThan(0);
      now += 1_000;
      expect(window.waitMs()).toBe(0);
    });
  });

  test.prop(
    {
      requests: fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 80 }).map((times) => times.sort((a, b) => a - b)),
      durations: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 10 }),
      arrivals: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
    },
    { numRuns: 500 },
  )('no burst shape and no network delay lets a group or a private chat exceed a published limit', (shape) => {
    const group = simulate(telegramLimits.groupChat, shape);
    expect(busiestWindow(group, published.groupChatMinute.perMs)).toBeLessThanOrEqual(published.groupChatMinute.max);
    expect(busiestWindow(group, published.groupChatSecond.perMs)).toBeLessThanOrEqual(published.groupChatSecond.max);
    const privateChat = simulate(telegramLimits.privateChat, shape);
    expect(busiestWindow(privateChat, published.privateChat.perMs)).toBeLessThanOrEqual(published.privateChat.max);
  });
});
