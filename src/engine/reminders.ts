import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { PrismaClient, ScheduledReminder } from '../db/generated/client.js';
import { recurringSchedules, reminderActions } from './capabilities.js';
import { type AuditInput, appendAudit, type EffectContext, writeNotices } from './context.js';
import { type Reminder, type ReminderKind, scheduleReminders } from './modules/reminders/schedule.js';
import type { Notice } from './notices.js';
import type { EngineSettings } from './settings.js';

/**
 * Makes sure every recurring reminder the capabilities keep (the daily digests, the weekly roll-ups) has its next
 * row: a new community, or one whose digest time changed, gets one here. Each firing schedules the next.
 */
export async function scheduleRecurring(deps: { db: PrismaClient; clock: Clock; logger?: Logger }): Promise<number> {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const reminders: Reminder[] = [];
    for (const missing of recurringSchedules) reminders.push(...(await missing(tx, now, deps.logger)));
    await scheduleReminders(tx, reminders);
    return reminders.length;
  });
}

export type FireResult =
  | { status: 'fired'; notices: Notice[] }
  /** Already fired, cancelled or gone, or being fired right now by another process. */
  | { status: 'gone' }
  | { status: 'early'; dueAt: Date }
  /** Failed this time; `retryAt` when it will be tried again (null: given up, marked failed). */
  | { status: 'failed'; retryAt: Date | null };

const maxAttempts = 12;

/**
 * Fires one reminder, exactly once: its row is locked (a row another process is firing right now is skipped, not
 * waited for), its effects, notices, audit entries and "fired" mark commit together, and a row already fired (a
 * second queue, a redelivered job, a sweep after a Redis flush) is left alone. A reminder not yet due says when it
 * is. A failing one is retried with backoff (2 s doubling, at most an hour apart, 12 attempts), then marked failed.
 */
export async function fireReminder(
  deps: { db: PrismaClient; clock: Clock; settings: EngineSettings; logger?: Logger },
  key: string,
): Promise<FireResult> {
  const now = deps.clock.now();
  try {
    return await deps.db.$transaction(
      async (tx): Promise<FireResult> => {
        const [row] = await tx.$queryRaw<ScheduledReminder[]>`
          SELECT * FROM "ScheduledReminder" WHERE "key" = ${key} FOR UPDATE SKIP LOCKED`;
        if (row?.state !== 'pending') return { status: 'gone' };
        if (row.dueAt > now) return { status: 'early', dueAt: row.dueAt };
        const action = reminderActions[row.kind as ReminderKind] as
          | ((ctx: EffectContext, params: unknown, dueAt: Date) => Promise<void>)
          | undefined;
        if (!action) throw new Error(`unknown reminder kind ${row.kind}`);
        // Audit entries wait for the end, as in member commands, so the audit chain's lock is taken last.
        const ctx: EffectContext & { pendingAudit: AuditInput[] } = {
          tx,
          now,
          settings: deps.settings,
          community: null,
          notices: [],
          pendingAudit: [],
        };
        await action(ctx, row.params, row.dueAt);
        await writeNotices(tx, ctx.notices);
        if (ctx.pendingAudit.length > 0) await appendAudit(ctx, ctx.pendingAudit);
        await tx.scheduledReminder.update({
          where: { id: row.id },
          data: { state: 'fired', firedAt: now, attempts: { increment: 1 }, lastError: null },
        });
        return { status: 'fired', notices: ctx.notices };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    deps.logger?.error({ err: error, key }, 'reminder failed');
    const row = await deps.db.scheduledReminder.findUnique({ where: { key } });
    if (row?.state !== 'pending') return { status: 'gone' };
    const attempts = row.attempts + 1;
    const retryAt = attempts >= maxAttempts ? null : new Date(deps.clock.now().getTime() + Math.min(3_600_000, 1_000 * 2 ** attempts));
    // Guarded: a row fired meanwhile by another process keeps its state.
    await deps.db.scheduledReminder.updateMany({
      where: { id: row.id, state: 'pending', attempts: row.attempts },
      data: { attempts, lastError: String(error).slice(0, 500), ...(retryAt ? { dueAt: retryAt } : { state: 'failed' }) },
    });
    return { status: 'failed', retryAt };
  }
}

const keptDays = 90;

/**
 * Fired and cancelled reminders are of no use after 90 days (the audit log keeps what they did); without pruning a
 * community's digests alone leave 365 rows a year. Failed ones stay for the operator to look at (/healthz counts them).
 */
export async function pruneReminders(deps: { db: PrismaClient; clock: Clock }): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - keptDays * 86_400_000);
  return deps.db.$executeRaw`DELETE FROM "ScheduledReminder" WHERE "state" IN ('fired', 'cancelled') AND "dueAt" < ${before}`;
}
