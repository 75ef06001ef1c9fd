import { setMaxListeners } from 'node:events';
import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Chat, OutboxNotice, Platform, PrismaClient } from '../db/generated/client.js';
import { type Button, mergedNoticeTypes, type NoticeBody } from '../engine/notices.js';

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
  /** Set when the notice answers a tap, to the tapper alone: the platform's handle from the tap (see EngineCommand.tapId). */
  answersTap: string | null;
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

/** A row to send, with the rows merged into it (mergedNoticeTypes), which are marked as it is. */
type PendingNotice = OutboxNotice & { chat: Chat; timezone: string; merged: OutboxNotice[] };

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

  // Taps' answers are many and need no order: they are marked sent together, a statement per few milliseconds of a
  // burst rather than one each. A crash between answering and marking answers a tap twice at worst, which the
  // platform refuses harmlessly (Telegram takes one answer per tap).
  let answered: Array<{ id: number; revision: number; messageId: string; settle: (error?: unknown) => void }> = [];
  function markAnswered(notice: PendingNotice, messageId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      answered.push({ id: notice.id, revision: notice.revision, messageId, settle: (error) => (error ? reject(error) : resolve()) });
      if (answered.length === 1) setTimeout(() => void flushAnswered(), 10);
    });
  }
  async function flushAnswered(): Promise<void> {
    const batch = answered;
    answered = [];
    try {
      await deps.db.$executeRaw`
        UPDATE "OutboxNotice" o
        SET "state" = 'sent', "sentAt" = ${new Date()}, "platformMessageId" = t.m, "attempts" = o."attempts" + 1, "lastError" = NULL
        FROM unnest(${batch.map((entry) => entry.id)}::int[], ${batch.map((entry) => entry.revision)}::int[], ${batch.map((entry) => entry.messageId)}::text[]) AS t(i, r, m)
        WHERE o."id" = t.i AND o."revision" = t.r`;
      for (const entry of batch) entry.settle();
    } catch (error) {
      for (const entry of batch) entry.settle(error);
    }
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
      // An answer to a tap is the tapper's, not the chat's: it does not wait behind the chat's messages.
      const send = () => port.send(outgoing, calls);
      if (notice.answersTap) {
        await markAnswered(notice, (await send()).messageId);
        return;
      }
      const { messageId } = await inChatOrder(notice.chatId, send);
      // Guarded by revision: a row re-armed meanwhile (newer live counts) stays pending and goes out again.
      await deps.db.outboxNotice.updateMany({
        where: { id: notice.id, revision: notice.revision },
        data: { state: 'sent', sentAt: new Date(), platformMessageId: messageId, attempts: { increment: 1 }, lastError: null },
      });
      if (notice.merged.length > 0)
        await deps.db.outboxNotice.updateMany({
          where: { id: { in: notice.merged.map((row) => row.id) } },
          data: { state: 'sent', sentAt: new Date(), platformMessageId: messageId, attempts: { increment: 1 } },
        });
    } catch (error) {
      if (stopping.signal.aborted) return; // cut short by shutdown: not an attempt; the notice stays pending
      const attempts = notice.attempts + 1;
      const known = error instanceof DeliveryError ? error.options : {};
      const failed = known.permanent === true || attempts >= maxAttempts;
      const delay = known.retryAfterMs ?? Math.min(60_000, 500 * 2 ** attempts);
      deps.logger.warn({ noticeId: notice.id, attempts, failed, err: error }, 'delivery failed');
      const data = {
        attempts,
        lastError: String(error).slice(0, 500),
        ...(failed ? { state: 'failed' as const } : { nextAttemptAt: new Date(Date.now() + delay) }),
      };
      await deps.db.outboxNotice.updateMany({ where: { id: notice.id, revision: notice.revision }, data });
      if (notice.merged.length > 0)
        await deps.db.outboxNotice.updateMany({ where: { id: { in: notice.merged.map((row) => row.id) } }, data });
    }
  }

  /**
   * Hands everything due now to the per-chat limiters; returns how many notices it took. The loop does not wait for
   * them (a slow chat must not hold up the others); tests and shutdown do.
   */
  async function deliverDue(options: { wait: boolean } = { wait: true }): Promise<number> {
    const now = new Date();
    const platforms = [...ports.keys()];
    // A chat with a message going out and mergeable notices waiting is left alone until that message is out: what
    // waits meanwhile goes out merged, and its later notices wait too, so the chat still hears everything in order.
    const busy = [...chatQueues.keys()];
    const held =
      busy.length === 0
        ? []
        : await deps.db.outboxNotice.findMany({
            where: { state: 'pending', nextAttemptAt: { lte: now }, type: { in: [...mergedNoticeTypes] }, chatId: { in: busy } },
            distinct: ['chatId'],
            select: { chatId: true },
          });
    const due = await deps.db.outboxNotice.findMany({
      where: {
        state: 'pending',
        nextAttemptAt: { lte: now },
        chat: { platform: { in: platforms } },
        id: { notIn: [...inFlight.keys()] },
        chatId: { notIn: held.map((row) => row.chatId) },
      },
      include: { chat: { include: { community: { select: { timezone: true } } } } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    const sending = mergeRuns(due).map((notice) => {
      const ids = [notice.id, ...notice.merged.map((row) => row.id)];
      const sent = deliver({ ...notice, timezone: notice.chat.community?.timezone ?? 'Asia/Shanghai' }).finally(() => {
        for (const id of ids) inFlight.delete(id);
        if (!options.wait) loop.wake();
      });
      for (const id of ids) inFlight.set(id, sent);
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

type DueNotice = OutboxNotice & { chat: Chat & { community: { timezone: string } | null } };

/**
 * Each run of a chat's due notices of one merged type and language, with nothing else of that chat between them, as
 * its first row carrying the others (a retry of a row already merged once merges again from scratch).
 */
function mergeRuns(due: DueNotice[]): Array<DueNotice & { merged: OutboxNotice[] }> {
  const result: Array<DueNotice & { merged: OutboxNotice[] }> = [];
  const lastOfChat = new Map<number, DueNotice & { merged: OutboxNotice[] }>();
  for (const notice of due) {
    const last = lastOfChat.get(notice.chatId);
    const mergeable = mergedNoticeTypes.has(notice.type) && notice.partsSent === 0;
    if (last && mergeable && last.type === notice.type && last.locale === notice.locale && last.partsSent === 0) {
      last.merged.push(notice);
      continue;
    }
    const entry = { ...notice, merged: [] };
    result.push(entry);
    if (!notice.answersTap) lastOfChat.set(notice.chatId, entry);
  }
  return result;
}

/** The entries of a merged notice's rows, in order (mergedNoticeTypes: params are `{ entries }`). */
function mergedParams(notice: PendingNotice): unknown {
  if (notice.merged.length === 0) return notice.params;
  const entriesOf = (row: OutboxNotice) => (row.params as { entries?: unknown[] } | null)?.entries ?? [];
  return { entries: [notice, ...notice.merged].flatMap(entriesOf) };
}

function outgoingOf(notice: PendingNotice): OutgoingNotice {
  return {
    id: notice.id,
    // The engine wrote both columns from its own types (engine/notices.ts): the one place they are read back as such.
    ...({ type: notice.type, params: mergedParams(notice) } as NoticeBody),
    buttons: Array.isArray(notice.buttons) ? (notice.buttons as Button[]) : [],
    locale: notice.locale,
    chat: { platformChatId: notice.chat.platformChatId, kind: notice.chat.kind, timezone: notice.timezone },
    replyToMessageId: notice.replyToMessageId,
    answersTap: notice.answersTap,
    editMessageId: notice.editMessageId,
    platformMessageId: notice.platformMessageId,
    partsSent: notice.partsSent,
  };
}
