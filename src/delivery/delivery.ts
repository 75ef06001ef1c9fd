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

/** A due row with what delivery needs of its chat: the platform, its id there, the kind and the community's timezone. */
type DueNotice = OutboxNotice & Pick<Chat, 'platform' | 'platformChatId' | 'kind'> & { timezone: string };
/** A row to send, with the rows merged into it (mergedNoticeTypes), which are marked as it is. */
type PendingNotice = DueNotice & { merged: OutboxNotice[] };

const defaultTimezone = 'Asia/Shanghai';

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

  // Sent notices are marked together: whatever finished while the previous mark was on its way goes in the next
  // statement, so a burst costs a statement per round trip rather than one per notice, and a quiet moment adds no wait.
  // Marking always follows sending: a crash in between sends those notices again (at least once, never lost); Telegram
  // takes one answer per tap, so a tap answered twice is refused harmlessly.
  let toMark: Array<{ id: number; revision: number | null; messageId: string; settle: (error?: unknown) => void }> = [];
  let marking = false;
  function markSent(ids: Array<{ id: number; revision: number | null }>, messageId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: unknown) => (error ? reject(error) : resolve());
      // Settled once, with the first row: the merged rows share its outcome.
      toMark.push(...ids.map(({ id, revision }, index) => ({ id, revision, messageId, settle: index === 0 ? settle : () => {} })));
      if (!marking) void flushMarks();
    });
  }
  async function flushMarks(): Promise<void> {
    marking = true;
    while (toMark.length > 0) {
      const batch = toMark;
      toMark = [];
      try {
        // A row whose revision is given is marked only at that revision: one re-armed meanwhile (newer live counts)
        // stays pending and goes out again. Rows merged into a message are marked whatever their revision.
        await deps.db.$executeRaw`
          UPDATE "OutboxNotice" o
          SET "state" = 'sent', "sentAt" = ${new Date()}, "platformMessageId" = t.m, "attempts" = o."attempts" + 1, "lastError" = NULL
          FROM unnest(${batch.map((entry) => entry.id)}::int[], ${batch.map((entry) => entry.revision)}::int[], ${batch.map((entry) => entry.messageId)}::text[]) AS t(i, r, m)
          WHERE o."id" = t.i AND (t.r IS NULL OR o."revision" = t.r)`;
        for (const entry of batch) entry.settle();
      } catch (error) {
        for (const entry of batch) entry.settle(error);
      }
    }
    marking = false;
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
    const port = ports.get(notice.platform)!;
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
      const { messageId } = notice.answersTap ? await send() : await inChatOrder(notice.chatId, send);
      await markSent(
        [{ id: notice.id, revision: notice.revision }, ...notice.merged.map((row) => ({ id: row.id, revision: null }))],
        messageId,
      );
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
    // A chat with messages going out is left alone until they are out: its later notices wait in the outbox, not in
    // memory behind its rate window (a group's 20 a minute), so what is in flight stays small and each look skips it
    // cheaply (hashed), and what waits meanwhile goes out merged. Answers to taps keep no chat's order.
    const busy = [...chatQueues.keys()];
    const now = new Date();
    const due = await deps.db.$queryRaw<DueNotice[]>`
      SELECT o.*, c."platform"::text AS "platform", c."platformChatId", c."kind"::text AS "kind",
        coalesce(m."timezone", ${defaultTimezone}) AS "timezone"
      FROM "OutboxNotice" o JOIN "Chat" c ON c."id" = o."chatId" LEFT JOIN "Community" m ON m."id" = c."communityId"
      WHERE o."state" = 'pending' AND o."nextAttemptAt" <= ${now} AND c."platform"::text = ANY(${[...ports.keys()]}::text[])
        AND o."id" NOT IN (SELECT unnest(${[...inFlight.keys()]}::int[]))
        AND (o."answersTap" IS NOT NULL OR o."chatId" NOT IN (SELECT unnest(${busy}::int[])))
      ORDER BY o."id" LIMIT ${batchSize}`;
    const sending = mergeRuns(due).map((notice) => {
      const ids = [notice.id, ...notice.merged.map((row) => row.id)];
      const sent = deliver(notice).finally(() => {
        for (const id of ids) inFlight.delete(id);
        if (!options.wait) wakeSoon();
      });
      for (const id of ids) inFlight.set(id, sent);
      return sent;
    });
    if (options.wait) await Promise.all(sending);
    return due.length;
  }

  // The loop looks again at once only after a full batch; otherwise when woken (the engine wrote notices, a notice
  // went out) or after `idleMs` (retries coming due).
  const loop = createPollingLoop({
    name: 'delivery',
    idleMs: 500,
    logger: deps.logger,
    step: async () => {
      const taken = await deliverDue({ wait: false });
      return taken >= batchSize ? taken : 0;
    },
  });
  // A notice that went out may free what its chat held back (see deliverDue): one look for all that finish within a
  // few milliseconds of each other, rather than one each.
  let wakeTimer: NodeJS.Timeout | null = null;
  function wakeSoon(): void {
    wakeTimer ??= setTimeout(() => {
      wakeTimer = null;
      loop.wake();
    }, 20);
  }

  async function stop(): Promise<void> {
    stopping.abort();
    if (wakeTimer) clearTimeout(wakeTimer);
    await loop.stop();
    await Promise.allSettled(inFlight.values());
  }

  return { start: loop.start, stop, deliverDue, wake: loop.wake };
}

export type Delivery = ReturnType<typeof createDelivery>;

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
    chat: { platformChatId: notice.platformChatId, kind: notice.kind, timezone: notice.timezone },
    replyToMessageId: notice.replyToMessageId,
    answersTap: notice.answersTap,
    editMessageId: notice.editMessageId,
    platformMessageId: notice.platformMessageId,
    partsSent: notice.partsSent,
  };
}
