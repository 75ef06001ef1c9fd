import { setMaxListeners } from 'node:events';
import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Chat, OutboxNotice, Platform, PrismaClient } from '../db/generated/client.js';
import type { Button, NoticeBody } from '../engine/notices.js';

/** A refusal from a platform: retry after `retryAfterMs` (a rate limit, a hiccup), or never (`permanent`). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly options: { retryAfterMs?: number; permanent?: boolean } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * A notice as the delivery loop hands it to an adapter: plain data, in the chat's language, nothing of the database.
 * Its type and params are what the engine wrote (render/ turns them into a document); `buttons` are its taps, none
 * when empty. `editMessageId`, when set, is the platform id of an earlier message to edit instead of sending a new
 * one; a notice too long for one message resumes after `partsSent` parts.
 */
export type OutgoingNotice = NoticeBody & {
  id: number;
  buttons: Button[];
  locale: string;
  chat: { platformChatId: string; kind: 'private' | 'group'; timezone: string };
  replyToMessageId: string | null;
  editMessageId: string | null;
  platformMessageId: string | null;
  partsSent: number;
};

/** What the delivery loop lends an adapter while it sends one notice. */
export type SendCalls = {
  /** Records a part of a long notice that went out, so that a retry resumes after it. */
  partSent(partsSent: number, messageId: string): Promise<void>;
  /** Aborted at shutdown: a call still waiting for the platform's limits gives up, and the notice stays pending. */
  signal: AbortSignal;
};

/** What a platform adapter gives the delivery loop: how to send one notice, within the platform's own limits. */
export interface OutboundPort {
  readonly platform: Platform;
  /**
   * Sends the notice, or edits `editMessageId`. A notice too long for one message goes out in parts, resuming after
   * `notice.partsSent`; `calls.partSent` records each part but the last.
   */
  send(notice: OutgoingNotice, calls: SendCalls): Promise<{ messageId: string }>;
}

type PendingNotice = OutboxNotice & { chat: Chat; timezone: string };

const maxAttempts = 8;
const batchSize = 100;

/**
 * Sends what the engine left in the outbox through the chat's platform adapter, in order per chat (one notice at a
 * time; each adapter keeps its platform's rate limits), and marks each notice sent with the platform's message id. A rate limit or a transient
 * failure puts the notice back with a later `nextAttemptAt` (the platform's retry-after, or exponential backoff);
 * after eight attempts, or on a permanent refusal, it is marked failed with the reason. Nothing is dropped silently:
 * until sent or failed, a notice stays in the database and is picked up again after a crash.
 */
export function createDelivery(deps: { db: PrismaClient; ports: OutboundPort[]; logger: Logger }) {
  const ports = new Map(deps.ports.map((port) => [port.platform, port]));
  const chatQueues = new Map<number, Promise<unknown>>();
  const inFlight = new Map<number, Promise<void>>();
  // Shutdown does not wait out a rate window: a notice still waiting for its turn stays pending for the next start.
  const stopping = new AbortController();
  // Every notice waiting on a rate window listens for shutdown: one listener per chat in flight, legitimately many.
  setMaxListeners(0, stopping.signal);

  /** Runs `work` after everything queued before it for the same chat, so each chat hears its notices in order. */
  function inChatOrder<T>(chatId: number, work: () => Promise<T>): Promise<T> {
    const previous = chatQueues.get(chatId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    chatQueues.set(chatId, settled);
    void settled.then(() => {
      if (chatQueues.get(chatId) === settled) chatQueues.delete(chatId);
    });
    return next;
  }

  async function deliver(notice: PendingNotice): Promise<void> {
    if (notice.editOfKey && !notice.editMessageId) {
      const original = await deps.db.outboxNotice.findUnique({
        where: { dedupeKey: notice.editOfKey },
        select: { state: true, platformMessageId: true },
      });
      if (original?.state === 'failed') {
        await deps.db.outboxNotice.updateMany({
          where: { id: notice.id, revision: notice.revision },
          data: { state: 'failed', lastError: 'the message to edit was never sent' },
        });
        return;
      }
      if (!original?.platformMessageId) {
        // The message to edit is not out yet: try again shortly, without spending an attempt.
        await deps.db.outboxNotice.updateMany({
          where: { id: notice.id, revision: notice.revision },
          data: { nextAttemptAt: new Date(Date.now() + 1_000) },
        });
        return;
      }
      notice = { ...notice, editMessageId: original.platformMessageId };
    }
    const port = ports.get(notice.chat.platform)!;
    try {
      const calls: SendCalls = {
        signal: stopping.signal,
        partSent: async (partsSent, messageId) => {
          await deps.db.outboxNotice.updateMany({
            where: { id: notice.id, revision: notice.revision },
            data: { partsSent, platformMessageId: messageId },
          });
        },
      };
      const outgoing = outgoingOf(notice);
      const { messageId } = await inChatOrder(notice.chatId, () => port.send(outgoing, calls));
      // Guarded by revision: a row re-armed meanwhile (newer live counts) stays pending and goes out again.
      await deps.db.outboxNotice.updateMany({
        where: { id: notice.id, revision: notice.revision },
        data: { state: 'sent', sentAt: new Date(), platformMessageId: messageId, attempts: { increment: 1 }, lastError: null },
      });
    } catch (error) {
      if (stopping.signal.aborted) return; // cut short by shutdown: not an attempt; the notice stays pending
      const attempts = notice.attempts + 1;
      const known = error instanceof DeliveryError ? error.options : {};
      const failed = known.permanent === true || attempts >= maxAttempts;
      const delay = known.retryAfterMs ?? Math.min(60_000, 500 * 2 ** attempts);
      deps.logger.warn({ noticeId: notice.id, attempts, failed, err: error }, 'delivery failed');
      await deps.db.outboxNotice.updateMany({
        where: { id: notice.id, revision: notice.revision },
        data: {
          attempts,
          lastError: String(error).slice(0, 500),
          ...(failed ? { state: 'failed' } : { nextAttemptAt: new Date(Date.now() + delay) }),
        },
      });
    }
  }

  /**
   * Hands everything due now to the per-chat limiters; returns how many notices it took. The loop does not wait for
   * them (a slow chat must not hold up the others); tests and shutdown do.
   */
  async function deliverDue(options: { wait: boolean } = { wait: true }): Promise<number> {
    const due = await deps.db.outboxNotice.findMany({
      where: {
        state: 'pending',
        nextAttemptAt: { lte: new Date() },
        chat: { platform: { in: [...ports.keys()] } },
        id: { notIn: [...inFlight.keys()] },
      },
      include: { chat: { include: { community: { select: { timezone: true } } } } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    const sending = due.map((notice) => {
      const sent = deliver({ ...notice, timezone: notice.chat.community?.timezone ?? 'Asia/Shanghai' }).finally(() => {
        inFlight.delete(notice.id);
        if (!options.wait) loop.wake();
      });
      inFlight.set(notice.id, sent);
      return sent;
    });
    if (options.wait) await Promise.all(sending);
    return due.length;
  }

  const loop = createPollingLoop({ name: 'delivery', idleMs: 500, logger: deps.logger, step: () => deliverDue({ wait: false }) });

  async function stop(): Promise<void> {
    stopping.abort();
    await loop.stop();
    await Promise.allSettled(inFlight.values());
  }

  return { start: loop.start, stop, deliverDue, wake: loop.wake };
}

export type Delivery = ReturnType<typeof createDelivery>;

function outgoingOf(notice: PendingNotice): OutgoingNotice {
  return {
    id: notice.id,
    // The engine wrote both columns from its own types (engine/notices.ts): the one place they are read back as such.
    ...({ type: notice.type, params: notice.params } as NoticeBody),
    buttons: Array.isArray(notice.buttons) ? (notice.buttons as Button[]) : [],
    locale: notice.locale,
    chat: { platformChatId: notice.chat.platformChatId, kind: notice.chat.kind, timezone: notice.timezone },
    replyToMessageId: notice.replyToMessageId,
    editMessageId: notice.editMessageId,
    platformMessageId: notice.platformMessageId,
    partsSent: notice.partsSent,
  };
}
