import type { Prisma } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';

/**
 * What each kind of reminder carries. Each capability adds its own kinds from its folder (declaration merging:
 * `declare module '../reminders/schedule.js' { interface ReminderParams { ... } }`) and says in its manifest what
 * each does when it falls due.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the capabilities' declarations
export interface ReminderParams {}
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
