import Bottleneck from 'bottleneck';
import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Chat, OutboxNotice, Platform, PrismaClient } from '../db/generated/client.js';

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

/** A notice to send; `editMessageId`, when set, is the platform id of the message to edit instead. */
export type PendingNotice = OutboxNotice & { chat: Chat & { timezone: string } };

/** What a platform adapter gives the delivery loop: how to send one notice, and the platform's published limits. */
export interface OutboundPort {
  readonly platform: Platform;
  readonly limits: { globalMinTimeMs: number; privateChatMinTimeMs: number; groupChatMinTimeMs: number };
  /**
   * Sends the notice, or edits `editMessageId`. A notice too long for one message goes out in parts, resuming after
   * `notice.partsSent`; `partSent` records each part but the last, so a retry never repeats a part that went out.
   */
  send(notice: PendingNotice, partSent: (partsSent: number, messageId: string) => Promise<void>): Promise<{ messageId: string }>;
}

const maxAttempts = 8;
const batchSize = 100;

/**
 * Sends what the engine left in the outbox, in order per chat, within each platform's limits (one limiter per chat,
 * chained to one per bot), and marks each notice sent with the platform's message id. A rate limit or a transient
 * failure puts the notice back with a later `nextAttemptAt` (the platform's retry-after, or exponential backoff);
 * after eight attempts, or on a permanent refusal, it is marked failed with the reason. Nothing is dropped silently:
 * until sent or failed, a notice stays in the database and is picked up again after a crash.
 */
export function createDelivery(deps: { db: PrismaClient; ports: OutboundPort[]; logger: Logger }) {
  const ports = new Map(deps.ports.map((port) => [port.platform, port]));
  const limiters = new Map(
    deps.ports.map((port) => {
      const global = new Bottleneck({ minTime: port.limits.globalMinTimeMs });
      const groups = new Bottleneck.Group({ maxConcurrent: 1, minTime: port.limits.groupChatMinTimeMs });
      const privates = new Bottleneck.Group({ maxConcurrent: 1, minTime: port.limits.privateChatMinTimeMs });
      groups.on('created', (limiter) => limiter.chain(global));
      privates.on('created', (limiter) => limiter.chain(global));
      return [port.platform, { global, groups, privates }];
    }),
  );
  const inFlight = new Map<number, Promise<void>>();

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
    const limiter = limiters.get(notice.chat.platform)!;
    const lane = (notice.chat.kind === 'private' ? limiter.privates : limiter.groups).key(String(notice.chatId));
    try {
      const partSent = async (partsSent: number, messageId: string) => {
        await deps.db.outboxNotice.updateMany({
          where: { id: notice.id, revision: notice.revision },
          data: { partsSent, platformMessageId: messageId },
        });
      };
      const { messageId } = await lane.schedule(() => port.send(notice, partSent));
      // Guarded by revision: a row re-armed meanwhile (newer live counts) stays pending and goes out again.
      await deps.db.outboxNotice.updateMany({
        where: { id: notice.id, revision: notice.revision },
        data: { state: 'sent', sentAt: new Date(), platformMessageId: messageId, attempts: { increment: 1 }, lastError: null },
      });
    } catch (error) {
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
      const sent = deliver({ ...notice, chat: { ...notice.chat, timezone: notice.chat.community?.timezone ?? 'Asia/Shanghai' } }).finally(
        () => {
          inFlight.delete(notice.id);
          if (!options.wait) loop.wake();
        },
      );
      inFlight.set(notice.id, sent);
      return sent;
    });
    if (options.wait) await Promise.all(sending);
    return due.length;
  }

  const loop = createPollingLoop({ name: 'delivery', idleMs: 500, logger: deps.logger, step: () => deliverDue({ wait: false }) });

  async function stop(): Promise<void> {
    await loop.stop();
    await Promise.allSettled(inFlight.values());
  }

  return { start: loop.start, stop, deliverDue, wake: loop.wake };
}

export type Delivery = ReturnType<typeof createDelivery>;
