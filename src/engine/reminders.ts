import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Community, PrismaClient, ScheduledReminder } from '../db/generated/client.js';
import { type AuditInput, appendAudit, type EffectContext, writeNotices } from './context.js';
import { sendDailyDigest } from './modules/digests/daily-digest.js';
import { localDate, nextDigestAt, nextWeeklyAt, weeklyRollupSchedule } from './modules/digests/digest-time.js';
import { sendWeeklyRollup } from './modules/digests/weekly-rollup.js';
import { escalateOverdue, remindFollowUp } from './modules/followups/follow-up-reminders.js';
import { decideOutcome } from './modules/followups/rate-issue.js';
import { closeDuePoll } from './modules/polls/poll-commands.js';
import { remindNonVoters } from './modules/polls/remind-non-voters.js';
import { type Reminder, type ReminderKind, type ReminderParams, scheduleReminders } from './modules/reminders/schedule.js';
import type { Notice } from './notices.js';
import type { EngineSettings } from './settings.js';

/** What each kind of reminder does when it falls due, in the transaction that marks it fired. */
const actions: { [K in ReminderKind]: (ctx: EffectContext, params: ReminderParams[K], dueAt: Date) => Promise<void> } = {
  'poll.close': async (ctx, { pollId }) => {
    ctx.community = (await ctx.tx.poll.findUnique({ where: { id: pollId }, select: { community: true } }))?.community ?? null;
    await closeDuePoll(ctx, pollId);
  },
  'poll.remind': remindNonVoters,
  'issue.close_rating': async (ctx, { issueId, round }) => {
    const issue = await ctx.tx.issue.findUnique({ where: { id: issueId }, include: { community: true } });
    if (!issue || issue.round !== round) return;
    ctx.community = issue.community;
    await decideOutcome(ctx, issue);
  },
  'followup.remind': remindFollowUp,
  'followup.overdue': escalateOverdue,
  'digest.daily': async (ctx, { communityId, period }, dueAt) => {
    const community = await ctx.tx.community.findUnique({ where: { id: communityId } });
    if (!community) return;
    ctx.community = community;
    // A digest caught up after a long outage reports on today, under today's date, not on the day it was due.
    const stale = ctx.now.getTime() - dueAt.getTime() > staleDigestMs;
    await sendDailyDigest(ctx, community, stale ? localDate(community.timezone, ctx.now) : period);
    await scheduleReminders(ctx.tx, [dailyDigest(community, ctx.now)]);
  },
  'digest.weekly': async (ctx, { subdistrictId, period }) => {
    await sendWeeklyRollup(ctx, subdistrictId, period);
    await scheduleReminders(ctx.tx, [weeklyRollup(subdistrictId, ctx.now)]);
  },
};

const staleDigestMs = 12 * 3_600_000;

function dailyDigest(community: Community, after: Date): Reminder<'digest.daily'> {
  const { dueAt, period } = nextDigestAt(community, after);
  return { key: `digest.daily:${community.id}:${period}`, kind: 'digest.daily', dueAt, params: { communityId: community.id, period } };
}

function weeklyRollup(subdistrictId: number, after: Date): Reminder<'digest.weekly'> {
  const { dueAt, period } = nextWeeklyAt(weeklyRollupSchedule, after);
  return { key: `digest.weekly:${subdistrictId}:${period}`, kind: 'digest.weekly', dueAt, params: { subdistrictId, period } };
}

/**
 * Makes sure every community has its next daily digest, and every subdistrict its next weekly roll-up, as a
 * reminder row (a new community, or one whose digest time changed, gets one here). Each digest schedules the next.
 */
export async function scheduleRecurring(deps: { db: PrismaClient; clock: Clock; logger?: Logger }): Promise<number> {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const communities = await tx.$queryRaw<Community[]>`
      SELECT c.* FROM "Community" c WHERE NOT EXISTS (
        SELECT 1 FROM "ScheduledReminder" r
        WHERE r."kind" = 'digest.daily' AND r."state" = 'pending' AND (r."params"->>'communityId')::int = c."id")`;
    const subdistricts = await tx.$queryRaw<Array<{ id: number }>>`
      SELECT s."id" FROM "Subdistrict" s WHERE NOT EXISTS (
        SELECT 1 FROM "ScheduledReminder" r
        WHERE r."kind" = 'digest.weekly' AND r."state" = 'pending' AND (r."params"->>'subdistrictId')::int = s."id")`;
    const reminders: Reminder[] = subdistricts.map((s) => weeklyRollup(s.id, now));
    for (const community of communities) {
      try {
        reminders.push(dailyDigest(community, now));
      } catch (error) {
        // A time zone or digest time set by hand in the database: that community waits, the others do not.
        deps.logger?.error({ err: error, community: community.slug }, 'cannot schedule the daily digest');
      }
    }
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
        const action = actions[row.kind as ReminderKind] as
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
