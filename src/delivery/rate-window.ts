/** At most `max` calls in any `perMs` milliseconds. */
export type RateLimit = { max: number; perMs: number };

/** A platform's limits: for the whole bot, and for each private chat and each group. */
export type PlatformLimits = { bot: RateLimit[]; privateChat: RateLimit[]; groupChat: RateLimit[] };

const busyPollMs = 20;

/**
 * Sliding windows over the calls of one sender (a chat, or the whole bot). A call counts from the moment it starts
 * until `perMs` after it finished: the platform received it somewhere in between, so counting by our finish time can
 * never see fewer calls in a window than the platform does, however the network delays them. No alignment of
 * windows and no burst shape can pass more than `max` calls within `perMs`.
 */
export class RateWindow {
  private inFlight = 0;
  private readonly finished: number[] = [];
  private readonly horizonMs: number;

  constructor(
    private readonly limits: RateLimit[],
    private readonly clock: () => number = Date.now,
  ) {
    this.horizonMs = Math.max(0, ...limits.map((limit) => limit.perMs));
  }

  /** Milliseconds until another call may start; 0 when one may start now. */
  waitMs(): number {
    const now = this.clock();
    while (this.finished.length > 0 && this.finished[0]! <= now - this.horizonMs) this.finished.shift();
    let wait = 0;
    for (const { max, perMs } of this.limits) {
      if (this.inFlight >= max) return busyPollMs;
      const recent = this.finished.filter((at) => at > now - perMs);
      const mustAgeOut = recent.length + this.inFlight - max + 1;
      if (mustAgeOut > 0) wait = Math.max(wait, recent[mustAgeOut - 1]! + perMs - now);
    }
    return wait;
  }

  begin(): void {
    this.inFlight += 1;
  }

  end(): void {
    this.inFlight -= 1;
    this.finished.push(this.clock());
  }
}

/**
 * Runs `call` once every window allows it, counting it in all of them. Checking and counting happen in one turn of
 * the event loop, so callers waiting on a shared window (the bot's) never overshoot it together. An aborted `signal`
 * ends the wait with its reason, and `call` is not made.
 */
export async function withinLimits<T>(windows: RateWindow[], call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    const wait = Math.max(0, ...windows.map((window) => window.waitMs()));
    if (wait === 0) break;
    await sleep(wait, signal);
  }
  for (const window of windows) window.begin();
  try {
    return await call();
  } finally {
    for (const window of windows) window.end();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Where a call goes: each chat has its own windows, and every call also counts for the whole bot. */
export type PacedChat = { platformChatId: string; kind: 'private' | 'group' };

/**
 * An adapter's pacing: one set of windows per chat (a private chat's or a group's limits) and one for the bot. Each
 * platform call that posts or edits a message goes through `run`.
 */
export function createPacer(limits: PlatformLimits, clock: () => number = Date.now) {
  const bot = new RateWindow(limits.bot, clock);
  const chats = new Map<string, RateWindow>();
  return {
    run<T>(chat: PacedChat, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      let window = chats.get(chat.platformChatId);
      if (!window) {
        window = new RateWindow(chat.kind === 'private' ? limits.privateChat : limits.groupChat, clock);
        chats.set(chat.platformChatId, window);
      }
      return withinLimits([window, bot], call, signal);
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
