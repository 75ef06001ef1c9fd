import { DateTime, IANAZone } from 'luxon';
import { firstLocalInstant } from '../digests/digest-time.js';

/** "YYYY-MM-DD" and "HH:MM" in the community's zone, as an instant; null for a date or time that does not exist. */
export function localInstant(timezone: string, date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = parseTime(time);
  if (!d || !t) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (!DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid) return null;
  return firstLocalInstant(new IANAZone(timezone), { year, month, day }, t.hour, t.minute);
}

/** "HH:MM" (00:00 to 23:59), or null. */
export function parseTime(time: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/** The first monthly meeting (day of month, local "HH:MM") strictly after `after`. */
export function nextMonthly(timezone: string, day: number, time: string, after: Date): Date {
  const zone = new IANAZone(timezone);
  const { hour, minute } = parseTime(time)!;
  let month = DateTime.fromJSDate(after, { zone }).startOf('month');
  for (;;) {
    const at = firstLocalInstant(zone, { year: month.year, month: month.month, day }, hour, minute);
    if (at > after) return at;
    month = month.plus({ months: 1 });
  }
}
