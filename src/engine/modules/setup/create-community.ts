import { OperatorError } from '../../../core/errors.js';
import type { Community } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { defaultCategories } from '../issues/categories.js';
import { supportedLocales } from '../membership/set-language.js';
import { isTimeZone } from './find-community.js';

export type NewCommunity = { slug: string; name: string; subdistrict?: string; locale?: string; timezone?: string };

/**
 * `yishi community create`: a community with the default category keywords. Throws slug_invalid, option_invalid
 * (locale or time zone), community_exists.
 */
export async function createCommunity(tx: Tx, input: NewCommunity, now: Date): Promise<Community> {
  if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(input.slug)) throw new OperatorError('slug_invalid', { slug: input.slug });
  if (input.locale && !supportedLocales.includes(input.locale))
    throw new OperatorError('option_invalid', { option: '--locale', value: input.locale });
  if (input.timezone && !isTimeZone(input.timezone))
    throw new OperatorError('option_invalid', { option: '--timezone', value: input.timezone });
  if (await tx.community.findUnique({ where: { slug: input.slug } })) throw new OperatorError('community_exists', { slug: input.slug });
  const subdistrict = input.subdistrict
    ? await tx.subdistrict.upsert({ where: { name: input.subdistrict }, create: { name: input.subdistrict }, update: {} })
    : null;
  const community = await tx.community.create({
    data: {
      slug: input.slug,
      name: input.name,
      subdistrictId: subdistrict?.id ?? null,
      ...(input.locale ? { locale: input.locale } : {}),
      ...(input.timezone ? { timezone: input.timezone } : {}),
      createdAt: now,
    },
  });
  for (const category of defaultCategories) {
    await tx.category.create({
      data: {
        communityId: community.id,
        code: category.code,
        keywords: {
          create: Object.entries(category.keywords).flatMap(([locale, words]) => words.map((keyword) => ({ locale, keyword }))),
        },
      },
    });
  }
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'community.created',
      subjectType: 'community',
      subjectId: community.id,
    },
  );
  return community;
}
