import type { Prisma } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';

/** What each kind of reminder carries; the engine's `fireReminder` knows what to do with each. */
export type ReminderParams = {
  'poll.close': { pollId: number };
  'poll.remind': { pollId: number; hoursLeft: number };
  'issue.close_rating': { issueId: number; round: number };
  'followup.remind': { followUpId: number };
  'followup.overdue': { followUpId: number };
  'digest.daily': { communityId: number; period: string };
  'digest.weekly': { subdistrictId: number; period: string };
};
export type ReminderKind = keyof ReminderParams;

export type Reminder<K extends ReminderKind = ReminderKind> = { key: string; kind: K; dueAt: Date; params: ReminderParams[K] };

/**
 * Records reminders, in the caller's transaction: the row is the reminder, any queue only wakes it up. Keys are
 * deterministic, so scheduling the same thing twice is a no-op.
 */
export async function scheduleReminders(tx: Tx, reminders: Reminder[]): Promise<void> {
  if (reminders.length === 0) return;
  await tx.scheduledReminder.createMany({
    data: reminders.map((reminder) => ({ ...reminder, params: reminder.params as Prisma.InputJsonValue })),
    skipDuplicates: true,
  });
}
