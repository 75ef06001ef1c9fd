import { OperatorError } from '../../../core/errors.js';
import { type Community, Prisma } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { supportedLocales } from '../membership/set-language.js';
import { findCommunity, isTimeZone } from './find-community.js';

export type CommunitySettings = { supportThreshold?: string; locale?: string; timezone?: string };

/** "5" is five households; "10%" is a tenth of the households in the scope. Null when neither. */
export function parseSupportThreshold(typed: string): { kind: 'count' | 'share'; value: Prisma.Decimal } | null {
  const count = /^([1-9]\d{0,4})$/.exec(typed.trim());
  if (count) return { kind: 'count', value: new Prisma.Decimal(count[1]!) };
  const share = /^(\d{1,3}(?:\.\d{1,2})?)%$/.exec(typed.trim());
  if (!share) return null;
  const value = new Prisma.Decimal(share[1]!).div(100);
  return value.gt(0) && value.lte(1) ? { kind: 'share', value } : null;
}

/** `yishi community configure`: support threshold, default language, time zone. Throws community_not_found, option_invalid. */
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
  const updated = await tx.community.update({ where: { id: community.id }, data });
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
