import { OperatorError } from '../../../core/errors.js';
import { type Community, Prisma } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { supportedLocales } from '../membership/set-language.js';
import { findCommunity, isTimeZone } from './find-community.js';

export type CommunitySettings = {
  supportThreshold?: string;
  locale?: string;
  timezone?: string;
  digestTime?: string;
  quietHours?: string;
  meetingQuorum?: string;
  meetingNoticeHours?: string;
};

const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "5" is five households; "10%" is a tenth of the households in the scope. Null when neither. */
export function parseSupportThreshold(typed: string): { kind: 'count' | 'share'; value: Prisma.Decimal } | null {
  const count = /^([1-9]\d{0,4})$/.exec(typed.trim());
  if (count) return { kind: 'count', value: new Prisma.Decimal(count[1]!) };
  const share = /^(\d{1,3}(?:\.\d{1,2})?)%$/.exec(typed.trim());
  if (!share) return null;
  const value = new Prisma.Decimal(share[1]!).div(100);
  return value.gt(0) && value.lte(1) ? { kind: 'share', value } : null;
}

/**
 * `yishi community configure`: support threshold, default language, time zone, digest time ("08:00") and quiet hours
 * ("22:00-08:00"), the joint meeting's quorum of parties (3) and how many hours before a meeting its notice goes out
 * (48; meetings already scheduled keep theirs). A new time zone or digest time moves the next digest. Throws
 * community_not_found, option_invalid.
 */
export async function configureCommunity(tx: Tx, slug: string, settings: CommunitySettings, now: Date): Promise<Community> {
  const community = await findCommunity(tx, slug);
  const data: Prisma.CommunityUpdateInput = {};
  if (settings.supportThreshold !== undefined) {
    const threshold = parseSupportThreshold(settings.supportThreshold);
    if (!threshold) throw new OperatorError('option_invalid', { option: '--support-threshold', value: settings.supportThreshold });
    data.supportThresholdKind = threshold.kind;
    data.supportThresholdValue = threshold.value;
  }
  if (settings.locale !== undefined) {
    if (!supportedLocales.includes(settings.locale))
      throw new OperatorError('option_invalid', { option: '--locale', value: settings.locale });
    data.locale = settings.locale;
  }
  if (settings.timezone !== undefined) {
    if (!isTimeZone(settings.timezone)) throw new OperatorError('option_invalid', { option: '--timezone', value: settings.timezone });
    data.timezone = settings.timezone;
  }
  if (settings.digestTime !== undefined) {
    if (!timeOfDay.test(settings.digestTime))
      throw new OperatorError('option_invalid', { option: '--digest-time', value: settings.digestTime });
    data.digestTime = settings.digestTime;
  }
  if (settings.quietHours !== undefined) {
    const [start, end] = settings.quietHours.split('-');
    if (!start || !end || !timeOfDay.test(start) || !timeOfDay.test(end))
      throw new OperatorError('option_invalid', { option: '--quiet-hours', value: settings.quietHours });
    data.quietHoursStart = start;
    data.quietHoursEnd = end;
  }
  const whole = (option: string, value: string, max: number) => {
    if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > max) throw new OperatorError('option_invalid', { option, value });
    return Number(value);
  };
  if (settings.meetingQuorum !== undefined) data.meetingQuorum = whole('--meeting-quorum', settings.meetingQuorum, 20);
  if (settings.meetingNoticeHours !== undefined)
    data.meetingNoticeHours = whole('--meeting-notice-hours', settings.meetingNoticeHours, 720);
  const updated = await tx.community.update({ where: { id: community.id }, data });
  if (settings.timezone !== undefined || settings.digestTime !== undefined) {
    // The next digest is not due yet: it is dropped, and the scheduler makes a new one at the new time.
    await tx.$executeRaw`
      DELETE FROM "ScheduledReminder"
      WHERE "kind" = 'digest.daily' AND "state" = 'pending' AND ("params"->>'communityId')::int = ${community.id}`;
  }
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'community.configured',
      data: JSON.parse(JSON.stringify(settings)),
    },
  );
  return updated;
}
