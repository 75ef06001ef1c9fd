import { DateTime } from 'luxon';

export type QuietHours = { timezone: string; quietHoursStart: string; quietHoursEnd: string };

const minutesOf = (hhmm: string) => {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
};

/**
 * When a non-urgent reminder due at `due` may go out: then, if that is outside the community's quiet hours (local
 * time, e.g. 22:00-08:00); otherwise when they end. If they end too late for the reminder to be of use (at or after
 * `deadline`), it goes out just before they began instead; and if that moment has passed already (`now`), not at all
 * (null): better no reminder than one in the night.
 */
export function outsideQuietHours(due: Date, community: QuietHours): Date;
export function outsideQuietHours(due: Date, community: QuietHours, deadline: Date, now: Date): Date | null;
export function outsideQuietHours(due: Date, community: QuietHours, deadline?: Date, now?: Date): Date | null {
  const local = DateTime.fromJSDate(due, { zone: community.timezone });
  const start = minutesOf(community.quietHoursStart);
  const end = minutesOf(community.quietHoursEnd);
  const minutes = local.hour * 60 + local.minute;
  const quiet = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!quiet || start === end) return due;
  const at = (day: DateTime, m: number) => day.set({ hour: Math.floor(m / 60), minute: m % 60, second: 0, millisecond: 0 });
  const endsAt = at(minutes >= end ? local.plus({ days: 1 }) : local, end).toJSDate();
  if (!deadline || endsAt < deadline) return endsAt;
  const before = at(minutes >= start ? local : local.minus({ days: 1 }), start)
    .minus({ minutes: 1 })
    .toJSDate();
  return now && before <= now ? null : before;
}
