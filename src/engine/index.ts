import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { PrismaClient } from '../db/generated/client.js';
import { type BatchAttempt, type DispatchResult, firstAttempt, loadContext, RefusedAfterWrite, runCommands } from './command-batch.js';
import type { EngineCommand } from './commands.js';
import { acknowledgeTap, type CommandContext, reply, type Tx, writeNotices } from './context.js';
import { createFloodGuard } from './flood.js';
import { recordFailedAttempt } from './inbox-events.js';
import { type FireResult, fireReminder, pruneReminders, scheduleRecurring } from './reminders.js';
import { defaultSettings, type EngineSettings } from './settings.js';
import { dispatchTaps } from './tap-batch.js';

export type EngineDeps = { db: PrismaClient; clock?: Clock; logger?: Logger; settings?: Partial<EngineSettings> };

export type { DispatchResult };

const transactionOptions = { maxWait: 10_000, timeout: 20_000 };
const chunkTransactionOptions = { maxWait: 10_000, timeout: 60_000 };
/**
 * Commands per transaction beyond the tap batch. Run again with savepoints (a command refused after it wrote), each
 * writing command leaves one (a subtransaction) until the commit; PostgreSQL tracks up to 64 per transaction in shared
 * memory, beyond which other sessions' visibility checks have to look them up on disk.
 */
const chunkSize = 64;

/**
 * The deliberation engine: takes a normalised inbound event, applies the rules, and in one transaction writes the
 * effects, the inbox row's processed mark and the notices to send. Knows no platform and renders no text.
 */
export function createEngine(deps: EngineDeps) {
  const clock = deps.clock ?? systemClock;
  const settings: EngineSettings = { ...defaultSettings, ...deps.settings };
  const flood = createFloodGuard(settings.floodLimit, settings.floodWindowMs);

  function dispatch(command: EngineCommand): Promise<DispatchResult> {
    return dispatchAlone(command, firstAttempt());
  }

  /** One command in its own transaction; `attempt` carries the flood guard's decision if a batch already made it. */
  async function dispatchAlone(command: EngineCommand, attempt: BatchAttempt): Promise<DispatchResult> {
    const now = clock.now();
    try {
      return (await runInTransaction([command], now, attempt, transactionOptions))[0]!;
    } catch (error) {
      deps.logger?.error({ err: error, eventId: command.eventId, action: command.action.type }, 'command failed');
      return recordFailure(command, error, now);
    }
  }

  /** Runs a batch in one transaction, and once more with savepoints if a command was refused after it wrote. */
  async function runInTransaction(
    commands: EngineCommand[],
    now: Date,
    attempt: BatchAttempt,
    options: typeof transactionOptions,
  ): Promise<DispatchResult[]> {
    try {
      return await deps.db.$transaction((tx) => runCommands(tx, now, settings, flood, commands, attempt), options);
    } catch (error) {
      if (!(error instanceof RefusedAfterWrite) || attempt.savepoints) throw error;
      const again = { ...attempt, savepoints: true };
      return await deps.db.$transaction((tx) => runCommands(tx, now, settings, flood, commands, again), options);
    }
  }

  async function recordFailure(command: EngineCommand, error: unknown, now: Date): Promise<DispatchResult> {
    try {
      return await deps.db.$transaction(async (tx) => {
        const ctx: CommandContext = { ...(await loadContext(tx, command, now, settings)), notices: [], pendingAudit: [] };
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
   * else in order, a chunk per transaction. A chunk that fails as a whole (a bug, a deadlock) has written nothing; its
   * commands are then handled one by one, each with its own error handling. Results follow the input order.
   */
  async function dispatchAll(commands: EngineCommand[]): Promise<DispatchResult[]> {
    let fast: Awaited<ReturnType<typeof dispatchTaps>> = { outcomes: new Map(), rest: commands };
    try {
      fast = await dispatchTaps(deps.db, settings, flood, clock.now(), commands);
    } catch (error) {
      deps.logger?.warn({ err: error }, 'tap batch failed; handling its commands one by one');
    }
    const results = new Map<EngineCommand, DispatchResult>(fast.outcomes);
    for (let start = 0; start < fast.rest.length; start += chunkSize) {
      const chunk = fast.rest.slice(start, start + chunkSize);
      const now = clock.now();
      const attempt = firstAttempt();
      try {
        const done = await runInTransaction(chunk, now, attempt, chunkTransactionOptions);
        for (const [index, command] of chunk.entries()) results.set(command, done[index]!);
      } catch (error) {
        deps.logger?.warn({ err: error, commands: chunk.length }, 'command batch failed; handling its commands one by one');
        for (const command of chunk) results.set(command, await dispatchAlone(command, attempt));
      }
    }
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
