import { DateTime, IANAZone } from 'luxon';

/** When a digest goes out: a local time of day ("HH:MM") in an IANA time zone. */
export type DigestSchedule = { timezone: string; digestTime: string };

export type DigestSlot = {
  /** The instant to send at. */
  dueAt: Date;
  /** What the digest is for: the local date "YYYY-MM-DD" (daily) or the ISO week "YYYY-Www" (weekly). */
  period: string;
};

/**
 * The weekly roll-up goes to subdistrict chats, which belong to no one community: Mondays at 08:00 China time, the
 * zone delivery renders subdistrict chats in too.
 */
export const weeklyRollupSchedule: DigestSchedule = { timezone: 'Asia/Shanghai', digestTime: '08:00' };

const minute = 60_000;
const day = 86_400_000;

function zoneOf(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new Error(`not an IANA time zone: ${timezone}`);
  return zone;
}

function timeOfDay(digestTime: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(digestTime);
  if (!match) throw new Error(`digest time is not HH:MM: ${digestTime}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The first instant a local date shows the wall time hour:minute in the zone. On a fall-back day, when the time
 * comes twice, the first of the two; on a spring-forward day, when the time does not exist, the first instant after
 * the gap (the moment the clocks jump).
 */
export function firstLocalInstant(zone: IANAZone, date: { year: number; month: number; day: number }, hour: number, min: number): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, min);
  // The wall clock an instant shows, as if it were UTC.
  const shown = (instant: number) => instant + zone.offset(instant) * minute;
  // Offsets on either side of the day; a zone changes its offset at most once in three days.
  const offsets = [...new Set([zone.offset(wall - 1.5 * day), zone.offset(wall + 1.5 * day)])];
  const exact = offsets
    .map((offset) => wall - offset * minute)
    .filter((instant) => shown(instant) === wall)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]);
  // In the gap: the first instant showing a later wall time. Before it the clock shows less, after it more.
  let low = wall - Math.max(...offsets) * minute;
  let high = wall - Math.min(...offsets) * minute;
  while (high - low > minute) {
    const middle = low + Math.floor((high - low) / (2 * minute)) * minute;
    if (shown(middle) >= wall) high = middle;
    else low = middle;
  }
  return new Date(high);
}

function localDates(zone: IANAZone, after: Date, count: number) {
  const start = DateTime.fromJSDate(after, { zone });
  // Calendar arithmetic in UTC, where every day has 24 hours.
  const first = DateTime.utc(start.year, start.month, start.day);
  return Array.from({ length: count }, (_, index) => first.plus({ days: index }));
}

/**
 * The next daily digest after `after`: the community's local digest time on the first local date where it falls
 * strictly after `after`, and that date ("YYYY-MM-DD") as the period. One per local date: on a fall-back day the
 * first of the two occurrences; on a spring-forward day a time in the gap moves to the first instant after it.
 */
export function nextDigestAt(community: DigestSchedule, after: Date): DigestSlot {
  const zone = zoneOf(community.timezone);
  const { hour, minute: min } = timeOfDay(community.digestTime);
  for (const date of localDates(zone, after, 3)) {
    const dueAt = firstLocalInstant(zone, date, hour, min);
    if (dueAt > after) return { dueAt, period: date.toISODate()! };
  }
  throw new Error('unreachable: a digest time comes every local day');
}

/**
 * The next weekly roll-up after `after`: Monday at the schedule's local time (by default `weeklyRollupSchedule`,
 * Asia/Shanghai 08:00). Its period is the ISO week it reports on, the one that just ended ("2026-W48" for the
 * roll-up sent on Monday 30 November 2026), so the label in the message matches the days counted.
 */
export function nextWeeklyAt(schedule: DigestSchedule, after: Date): DigestSlot {
  const zone = zoneOf(schedule.timezone);
  const { hour, minute: min } = timeOfDay(schedule.digestTime);
  for (const date of localDates(zone, after, 9)) {
    if (date.weekday !== 1) continue;
    const dueAt = firstLocalInstant(zone, date, hour, min);
    if (dueAt > after) return { dueAt, period: isoWeek(date.minus({ days: 7 })) };
  }
  throw new Error('unreachable: a Monday comes every week');
}

/** "2026-W48": the ISO week-numbering year and week of a date. */
export function isoWeek(date: DateTime): string {
  return date.toFormat("kkkk-'W'WW");
}

/** The local date ("YYYY-MM-DD") of an instant in a zone: the period of an on-demand digest. */
export function localDate(timezone: string, at: Date): string {
  return DateTime.fromJSDate(at, { zone: zoneOf(timezone) }).toISODate()!;
}
