import type { Logger } from '../../../core/logger.js';
import type { Community } from '../../../db/generated/client.js';
import type { EffectContext, Tx } from '../../context.js';
import { type Reminder, scheduleReminders } from '../reminders/schedule.js';
import { sendDailyDigest } from './daily-digest.js';
import { localDate, nextDigestAt, nextWeeklyAt, weeklyRollupSchedule } from './digest-time.js';
import { sendWeeklyRollup } from './weekly-rollup.js';

declare module '../reminders/schedule.js' {
  interface ReminderParams {
    'digest.daily': { communityId: number; period: string };
    'digest.weekly': { subdistrictId: number; period: string };
  }
}

const staleDigestMs = 12 * 3_600_000;

function dailyDigest(community: Community, after: Date): Reminder<'digest.daily'> {
  const { dueAt, period } = nextDigestAt(community, after);
  return { key: `digest.daily:${community.id}:${period}`, kind: 'digest.daily', dueAt, params: { communityId: community.id, period } };
}

function weeklyRollup(subdistrictId: number, after: Date): Reminder<'digest.weekly'> {
  const { dueAt, period } = nextWeeklyAt(weeklyRollupSchedule, after);
  return { key: `digest.weekly:${subdistrictId}:${period}`, kind: 'digest.weekly', dueAt, params: { subdistrictId, period } };
}

/** A community's daily digest falling due: sent, and the next one scheduled. */
export async function dailyDigestDue(
  ctx: EffectContext,
  { communityId, period }: { communityId: number; period: string },
  dueAt: Date,
): Promise<void> {
  const community = await ctx.tx.community.findUnique({ where: { id: communityId } });
  if (!community) return;
  ctx.community = community;
  // A digest caught up after a long outage reports on today, under today's date, not on the day it was due.
  const stale = ctx.now.getTime() - dueAt.getTime() > staleDigestMs;
  await sendDailyDigest(ctx, community, stale ? localDate(community.timezone, ctx.now) : period);
  await scheduleReminders(ctx.tx, [dailyDigest(community, ctx.now)]);
}

/** A subdistrict's weekly roll-up falling due: sent, and the next one scheduled. */
export async function weeklyRollupDue(
  ctx: EffectContext,
  { subdistrictId, period }: { subdistrictId: number; period: string },
): Promise<void> {
  await sendWeeklyRollup(ctx, subdistrictId, period);
  await scheduleReminders(ctx.tx, [weeklyRollup(subdistrictId, ctx.now)]);
}

/**
 * The next daily digest of every community and weekly roll-up of every subdistrict that has none pending (a new
 * community, or one whose digest time changed).
 */
export async function missingDigests(tx: Tx, now: Date, logger?: Logger): Promise<Reminder[]> {
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
      logger?.error({ err: error, community: community.slug }, 'cannot schedule the daily digest');
    }
  }
  return reminders;
}
