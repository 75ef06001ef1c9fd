import { OperatorError } from '../../../core/errors.js';
import { audit, type Tx } from '../../context.js';
import { supportedLocales } from '../membership/set-language.js';
import { findCommunity } from './find-community.js';

/** `yishi category list`: each category with its keywords per locale. */
export async function listCategories(tx: Tx, slug: string): Promise<Array<{ code: string; keywords: Record<string, string[]> }>> {
  const community = await findCommunity(tx, slug);
  const categories = await tx.category.findMany({
    where: { communityId: community.id },
    include: { keywords: { orderBy: { keyword: 'asc' } } },
    orderBy: { id: 'asc' },
  });
  return categories.map((category) => ({
    code: category.code,
    keywords: category.keywords.reduce<Record<string, string[]>>((byLocale, { locale, keyword }) => {
      byLocale[locale] = [...(byLocale[locale] ?? []), keyword];
      return byLocale;
    }, {}),
  }));
}

/**
 * `yishi category set`: replaces one category's keywords for one locale. New issues are categorised with the new
 * table; existing ones keep their category. Throws community_not_found, category_not_found, option_invalid.
 */
export async function setCategoryKeywords(
  tx: Tx,
  slug: string,
  input: { code: string; locale: string; keywords: string[] },
  now: Date,
): Promise<void> {
  const community = await findCommunity(tx, slug);
  const category = await tx.category.findUnique({ where: { communityId_code: { communityId: community.id, code: input.code } } });
  if (!category) throw new OperatorError('category_not_found', { category: input.code, community: slug });
  if (!supportedLocales.includes(input.locale)) throw new OperatorError('option_invalid', { option: '--locale', value: input.locale });
  const keywords = [...new Set(input.keywords.map((keyword) => keyword.trim()).filter(Boolean))];
  await tx.categoryKeyword.deleteMany({ where: { categoryId: category.id, locale: input.locale } });
  await tx.categoryKeyword.createMany({ data: keywords.map((keyword) => ({ categoryId: category.id, locale: input.locale, keyword })) });
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'category.keywords_set',
      data: { code: input.code, locale: input.locale, keywords },
    },
  );
}
