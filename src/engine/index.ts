import { type Clock, systemClock } from '../core/clock.js';
import { type DomainErrorCode, isDomainError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { PrismaClient } from '../db/generated/client.js';
import { handlers } from './capabilities.js';
import type { Action, EngineCommand } from './commands.js';
import { acknowledgeTap, appendAudit, type CommandContext, pushRefusal, reply, type Tx, writeNotices } from './context.js';
import { createFloodGuard } from './flood.js';
import { claimEvent, markDone, recordFailedAttempt } from './inbox-events.js';
import { communitiesOf } from './modules/membership/permissions.js';
import { resolveLocale } from './modules/membership/set-language.js';
import type { Notice } from './notices.js';
import { type FireResult, fireReminder, pruneReminders, scheduleRecurring } from './reminders.js';
import { defaultSettings, type EngineSettings } from './settings.js';
import { dispatchTaps } from './tap-batch.js';

export type EngineDeps = { db: PrismaClient; clock?: Clock; logger?: Logger; settings?: Partial<EngineSettings> };

export type DispatchResult = {
  /** done: handled; refused: a DomainError answered to the member; duplicate: seen before, nothing done; failed: a bug, logged. */
  status: 'done' | 'refused' | 'duplicate' | 'failed';
  notices: Notice[];
  error?: DomainErrorCode;
};

const transactionOptions = { maxWait: 10_000, timeout: 20_000 };

/**
 * The deliberation engine: takes a normalised inbound event, applies the rules, and in one transaction writes the
 * effects, the inbox row's processed mark and the notices to send. Knows no platform and renders no text.
 */
export function createEngine(deps: EngineDeps) {
  const clock = deps.clock ?? systemClock;
  const settings: EngineSettings = { ...defaultSettings, ...deps.settings };
  const flood = createFloodGuard(settings.floodLimit, settings.floodWindowMs);

  async function dispatch(command: EngineCommand): Promise<DispatchResult> {
    const now = clock.now();
    const floodKey = `${command.actor.platform}:${command.actor.platformUserId}`;
    try {
      return await deps.db.$transaction(async (tx) => {
        if (!(await claimEvent(tx, command, now))) return { status: 'duplicate', notices: [] };
        const ctx = await loadContext(tx, command, now, settings);
        const floodState = flood.check(floodKey, now.getTime());
        if (floodState !== 'ok') {
          if (floodState === 'warn') pushRefusal(ctx, 'rate_limited', { seconds: flood.retryAfterSeconds(floodKey, now.getTime()) });
          return finish(ctx, 'refused', 'rate_limited');
        }
        await (handlers[command.action.type] as (c: CommandContext, a: Action) => Promise<void>)(ctx, command.action);
        return finish(ctx, 'done');
      }, transactionOptions);
    } catch (error) {
      if (isDomainError(error)) {
        // The command's effects were rolled back with its transaction; the refusal is recorded in a fresh one.
        return deps.db.$transaction(async (tx) => {
          if (!(await claimEvent(tx, command, now))) return { status: 'duplicate', notices: [] } satisfies DispatchResult;
          const ctx = await loadContext(tx, command, now, settings);
          pushRefusal(ctx, error.code, error.params);
          return finish(ctx, 'refused', error.code);
        }, transactionOptions);
      }
      deps.logger?.error({ err: error, eventId: command.eventId, action: command.action.type }, 'command failed');
      return recordFailure(command, error, now);
    }
  }

  async function recordFailure(command: EngineCommand, error: unknown, now: Date): Promise<DispatchResult> {
    try {
      return await deps.db.$transaction(async (tx) => {
        const ctx = await loadContext(tx, command, now, settings);
        const previous = await tx.inboxEvent.findUnique({
          where: { platform_eventId: { platform: command.actor.platform, eventId: command.eventId } },
        });
        // One apology per event, however often a retry fails.
        if (previous?.state !== 'failed') reply(ctx, { type: 'command.failed', params: {} });
        acknowledgeTap(ctx);
        await writeNotices(tx, ctx.notices);
        await recordFailedAttempt(tx, { command }, now, settings.maxInboxAttempts, String(error));
        return { status: 'failed' as const, notices: ctx.notices };
      }, transactionOptions);
    } catch (secondError) {
      deps.logger?.error({ err: secondError, eventId: command.eventId }, 'recording a failed command failed too');
      return { status: 'failed', notices: [] };
    }
  }

  /**
   * Handles a batch of inbound commands: bursts of support and vote taps together in the fast path, then everything
   * else one by one, commands of one chat in order and different chats side by side. Results follow the input order.
   */
  async function dispatchAll(commands: EngineCommand[], concurrency = 8): Promise<DispatchResult[]> {
    let fast: Awaited<ReturnType<typeof dispatchTaps>> = { outcomes: new Map(), rest: commands };
    try {
      fast = await dispatchTaps(deps.db, settings, flood, clock.now(), commands);
    } catch (error) {
      // Nothing of the batch was written; each command gets the general path and its own error handling.
      deps.logger?.warn({ err: error }, 'tap batch failed; handling its commands one by one');
    }
    const results = new Map<EngineCommand, DispatchResult>(fast.outcomes);
    const lanes = new Map<string, EngineCommand[]>();
    for (const command of fast.rest) {
      const key = `${command.chat.platform}:${command.chat.platformChatId}`;
      lanes.set(key, [...(lanes.get(key) ?? []), command]);
    }
    const queue = [...lanes.values()];
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const command of lane) results.set(command, await dispatch(command));
    });
    await Promise.all(workers);
    return commands.map((command) => results.get(command)!);
  }

  /** The scheduler's wake-up for a reminder row, by key; fires it once (see reminders.ts). */
  function fireReminderNow(key: string): Promise<FireResult> {
    return fireReminder({ db: deps.db, clock, settings, logger: deps.logger }, key);
  }

  /** Runs an operator's setup or export step in one transaction, with the engine's clock. */
  function operate<T>(work: (tx: Tx, now: Date) => Promise<T>): Promise<T> {
    return deps.db.$transaction((tx) => work(tx, clock.now()), { maxWait: 10_000, timeout: 120_000 });
  }

  /** Gives every community its next daily digest and every subdistrict its weekly roll-up, as reminder rows. */
  function scheduleRecurringNow(): Promise<number> {
    return scheduleRecurring({ db: deps.db, clock, logger: deps.logger });
  }

  /** Deletes reminders fired or cancelled more than 90 days ago. */
  function pruneRemindersNow(): Promise<number> {
    return pruneReminders({ db: deps.db, clock });
  }

  return {
    dispatch,
    dispatchAll,
    fireReminder: fireReminderNow,
    scheduleRecurring: scheduleRecurringNow,
    pruneReminders: pruneRemindersNow,
    operate,
    settings,
  };
}

export type Engine = ReturnType<typeof createEngine>;

async function finish(ctx: CommandContext, status: 'done' | 'refused', error?: DomainErrorCode): Promise<DispatchResult> {
  acknowledgeTap(ctx);
  await writeNotices(ctx.tx, ctx.notices);
  if (ctx.pendingAudit.length > 0) await appendAudit(ctx, ctx.pendingAudit);
  // claimEvent marked the event done; a secret vote's payload is replaced so the row no longer names the voter.
  if (ctx.redactInbox) await markDone(ctx.tx, ctx.now, [{ command: ctx.command, redact: true }]);
  return { status, notices: ctx.notices, ...(error ? { error } : {}) };
}

async function loadContext(tx: Tx, command: EngineCommand, now: Date, settings: EngineSettings): Promise<CommandContext> {
  const { actor } = command;
  const member = await tx.member.upsert({
    where: { platform_platformUserId: { platform: actor.platform, platformUserId: actor.platformUserId } },
    create: { platform: actor.platform, platformUserId: actor.platformUserId, displayName: actor.displayName, createdAt: now },
    update: { displayName: actor.displayName },
  });
  const chat = await tx.chat.upsert({
    where: { platform_platformChatId: { platform: command.chat.platform, platformChatId: command.chat.platformChatId } },
    create: {
      platform: command.chat.platform,
      platformChatId: command.chat.platformChatId,
      kind: command.chat.kind,
      title: command.chat.title ?? null,
      memberId: command.chat.kind === 'private' ? member.id : null,
    },
    update:
      command.chat.kind === 'private'
        ? { memberId: member.id, leftAt: null }
        : { ...(command.chat.title ? { title: command.chat.title } : {}) },
  });
  let community = chat.communityId !== null ? await tx.community.findUnique({ where: { id: chat.communityId } }) : null;
  if (!community && chat.kind === 'private') {
    const ids = await communitiesOf(tx, member.id);
    if (ids.length === 1) community = await tx.community.findUnique({ where: { id: ids[0]! } });
  }
  const locale = resolveLocale(member, chat, community, actor.languageHint);
  return { tx, now, settings, command, member, chat, community, locale, notices: [], pendingAudit: [] };
}
