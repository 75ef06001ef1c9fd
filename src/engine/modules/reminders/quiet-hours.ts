import { DateTime } from 'luxon';

export type QuietHours = { timezone: string; quietHoursStart: string; quietHoursEnd: string };

const minutesOf = (hhmm: string) => {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
};

/**
 * When a non-urgent reminder due at `due` may go out: then, if that is outside the community's quiet hours (local
 * time, e.g. 22:00-08:00); otherwise when they end. If they end too late for the reminder to be of use (at or after
 * `deadline`), it goes out just before they began instead.
 */
export function outsideQuietHours(due: Date, community: QuietHours, deadline?: Date): Date {
  const local = DateTime.fromJSDate(due, { zone: community.timezone });
  const start = minutesOf(community.quietHoursStart);
  const end = minutesOf(community.quietHoursEnd);
  const now = local.hour * 60 + local.minute;
  const quiet = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!quiet || start === end) return due;
  const at = (day: DateTime, minutes: number) =>
    day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
  const endsAt = at(now >= end ? local.plus({ days: 1 }) : local, end);
  if (!deadline || endsAt.toJSDate() < deadline) return endsAt.toJSDate();
  const beganAt = at(now >= start ? local : local.minus({ days: 1 }), start);
  return beganAt.minus({ minutes: 1 }).toJSDate();
}
